using System.Text.RegularExpressions;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>Two identities never share a token; one identity always shares one entry: the cache key covers everything that decides the token.</summary>
public sealed partial class IsolationTests
{
    private static PasswordAuthOptions Base() => CacheHarness.Identity();

    /// <summary>Each differs from <see cref="Base"/> in one thing that decides which token Keystone issues.</summary>
    private static readonly (string Name, Func<PasswordAuthOptions> Make)[] s_identities =
    [
        ("base", Base),
        ("other user", () => With(Base(), o => o.Username = "dcorch")),
        ("user domain by id", () => With(Base(), o => (o.UserDomainName, o.UserDomainId) = (null, "default"))),
        ("other user domain", () => With(Base(), o => o.UserDomainName = "Other")),
        ("user id", () => With(Base(), o => (o.Username, o.UserDomainName, o.UserId) = (null, null, "u-1"))),
        ("other project", () => With(Base(), o => o.ProjectName = "admin")),
        ("project in another domain", () => With(Base(), o => o.ProjectDomainName = "Other")),
        ("project domain by id", () => With(Base(), o => (o.ProjectDomainName, o.ProjectDomainId) = (null, "default"))),
        ("project id", () => With(Base(), o => (o.ProjectName, o.ProjectDomainName, o.ProjectId) = (null, null, "p-1"))),
        ("domain scope by name", () => With(Unscoped(), o => o.DomainName = "Default")),
        ("domain scope by id", () => With(Unscoped(), o => o.DomainId = "default")),
        ("system scope", () => With(Unscoped(), o => o.SystemScope = "all")),
        ("trust", () => With(Unscoped(), o => o.TrustId = "t-1")),
        ("explicitly unscoped", () => With(Unscoped(), o => o.Unscoped = true)),
        ("default scope", Unscoped),
        ("other password", () => With(Base(), o => o.Password = "another-Passw0rd")),
        ("no catalog", () => With(Base(), o => o.IncludeCatalog = false)),
        ("other auth URL", () => With(Base(), o => o.AuthUrl = "https://keystone2.test:5001/v3")),
        ("other port", () => With(Base(), o => o.AuthUrl = "https://keystone.test:5002/v3")),
    ];

    [Fact]
    public async Task Different_identities_on_one_cache_get_different_entries_and_tokens()
    {
        using var h = new CacheHarness();
        var auths = s_identities.Select(i => h.Auth(i.Make())).ToArray();

        var first = new List<AccessInfo>();
        foreach (var auth in auths)
        {
            first.Add(await auth.GetAccessAsync());
        }

        Assert.Equal(s_identities.Length, h.Server.Posts);
        Assert.Equal(s_identities.Length, h.Cache.Count);
        Assert.Equal(s_identities.Length, first.Select(a => a.Token).Distinct().Count());

        // And each keeps its own: asking again is a hit on its own token.
        for (var i = 0; i < auths.Length; i++)
        {
            Assert.Same(first[i], await auths[i].GetAccessAsync());
        }

        Assert.Equal(s_identities.Length, h.Server.Posts);
    }

    [Fact]
    public async Task Identical_options_in_two_plugin_instances_share_one_entry()
    {
        using var h = new CacheHarness();
        var a = h.Auth(Base());
        using var otherClient = new HttpClient(h.Server, disposeHandler: false);
        var b = new CachingPasswordAuth(new PasswordAuth(Base(), otherClient, null, h.Time), h.Cache);

        var fromA = await a.GetAccessAsync();
        var fromB = await b.GetAccessAsync();

        Assert.Same(fromA, fromB);
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(1, h.Cache.Count);
        Assert.Equal(a.GetCacheId(), b.GetCacheId());
    }

    [Fact]
    public async Task Identical_options_in_two_instances_share_one_flight_too()
    {
        using var h = new CacheHarness();
        var a = h.Auth(Base());
        var b = h.Auth(Base());
        h.Server.HoldPosts();
        var fromA = Task.Run(async () => await a.GetAccessAsync());
        var fromB = Task.Run(async () => await b.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(a) == 2));
        h.Server.Release();

        Assert.Same(await fromA, await fromB);
        Assert.Equal(1, h.Server.Posts);
    }

    [Fact]
    public void Random_identity_pairs_differing_in_one_field_have_distinct_cache_ids_and_equal_ones_share_an_id()
    {
        const int Pairs = 3000;
        const int Seed = 20260301;
        var random = new Random(Seed);
        using var http = new HttpClient();
        var seenMutations = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Pairs; i++)
        {
            var original = RandomIdentity(random);
            var mutations = MutationsOf(original, random);
            var (field, mutate) = mutations[random.Next(mutations.Count)];
            var changed = original.Clone();
            mutate(changed);
            seenMutations[field] = seenMutations.GetValueOrDefault(field) + 1;

            Assert.True(PasswordAuthOptionsValidator.Check(changed).Count == 0, $"seed {Seed} pair {i}: generator made invalid options ({field})");
            var originalId = new PasswordAuth(original, http).GetCacheId();
            var changedId = new PasswordAuth(changed, http).GetCacheId();
            var twinId = new PasswordAuth(original.Clone(), http).GetCacheId();

            Assert.True(originalId != changedId, $"seed {Seed} pair {i}: identities differing in {field} share a cache id\n{original}\n{changed}");
            Assert.Equal(originalId, twinId);
            foreach (var id in new[] { originalId, changedId })
            {
                Assert.Matches(HexId(), id);
            }

            Assert.DoesNotContain(original.Password!, originalId, StringComparison.Ordinal);
            Assert.DoesNotContain(changed.Password!, changedId, StringComparison.Ordinal);
        }

        // The generator really covered every field the issue names.
        string[] fields =
        [
            "user id", "username", "user domain id", "user domain name", "project id", "project name",
            "project domain id", "project domain name", "domain id", "domain name", "system", "trust",
            "unscoped", "include catalog", "password", "auth url",
        ];
        Assert.All(fields, f => Assert.True(seenMutations.GetValueOrDefault(f) >= 20, $"field '{f}' mutated only {seenMutations.GetValueOrDefault(f)} times"));
    }

    [Fact]
    public void Neither_the_cache_id_nor_any_ToString_shows_the_password()
    {
        using var h = new CacheHarness();
        var password = h.PasswordAuth();
        var caching = new CachingPasswordAuth(password, h.Cache);

        foreach (var text in new[] { password.GetCacheId(), caching.GetCacheId(), password.ToString(), caching.ToString(), CacheHarness.Identity().ToString(), h.Cache.ToString()! })
        {
            Assert.DoesNotContain(CacheHarness.Password, text, StringComparison.Ordinal);
        }
    }

    private static PasswordAuthOptions Unscoped() => With(Base(), o => (o.ProjectName, o.ProjectDomainName) = (null, null));

    private static PasswordAuthOptions With(PasswordAuthOptions o, Action<PasswordAuthOptions> change)
    {
        change(o);
        return o;
    }

    // Characters that could blur field boundaries in a naive concatenation are included on purpose.
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_;:=|. ";

    private static string Word(Random r, string? not = null)
    {
        while (true)
        {
            var chars = new char[r.Next(1, 13)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[r.Next(Alphabet.Length)];
            }

            var word = new string(chars).Trim();
            if (word.Length > 0 && word != not)
            {
                return word;
            }
        }
    }

    private static string Host(Random r)
    {
        var chars = new char[r.Next(3, 10)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + r.Next(26));
        }

        return new string(chars);
    }

    // Passwords get a prefix that hex never contains, so "not in the id" is a real check.
    private static string Secret(Random r, string? not = null)
    {
        while (true)
        {
            var secret = "pw!" + Word(r);
            if (secret != not)
            {
                return secret;
            }
        }
    }

    private static PasswordAuthOptions RandomIdentity(Random r)
    {
        var o = new PasswordAuthOptions
        {
            AuthUrl = $"https://{Host(r)}.test:{r.Next(1000, 9999)}/v3",
            Password = Secret(r),
            IncludeCatalog = r.Next(2) == 0,
        };
        if (r.Next(3) == 0)
        {
            o.UserId = Word(r);
        }
        else
        {
            o.Username = Word(r);
            if (r.Next(2) == 0)
            {
                o.UserDomainId = Word(r);
            }
            else
            {
                o.UserDomainName = Word(r);
            }
        }

        switch (r.Next(9))
        {
            case 1: o.ProjectId = Word(r); break;
            case 2: (o.ProjectName, o.ProjectDomainId) = (Word(r), Word(r)); break;
            case 3: (o.ProjectName, o.ProjectDomainName) = (Word(r), Word(r)); break;
            case 4: o.DomainId = Word(r); break;
            case 5: o.DomainName = Word(r); break;
            case 6: o.SystemScope = "all"; break;
            case 7: o.TrustId = Word(r); break;
            case 8: o.Unscoped = true; break;
            default: break; // no scope: Keystone's default
        }

        return o;
    }

    /// <summary>Every one-field change that keeps the options valid and changes the token Keystone would issue.</summary>
    private static List<(string Field, Action<PasswordAuthOptions> Mutate)> MutationsOf(PasswordAuthOptions o, Random r)
    {
        var list = new List<(string, Action<PasswordAuthOptions>)>
        {
            ("password", x => x.Password = Secret(r, x.Password)),
            ("include catalog", x => x.IncludeCatalog = !x.IncludeCatalog),
            ("auth url", x => x.AuthUrl = $"https://{Host(r)}x.test:{r.Next(1000, 9999)}/v3"),
        };
        if (o.UserId is not null)
        {
            list.Add(("user id", x => x.UserId = Word(r, x.UserId)));
        }
        else
        {
            list.Add(("username", x => x.Username = Word(r, x.Username)));
            list.Add(o.UserDomainId is not null
                ? ("user domain id", x => x.UserDomainId = Word(r, x.UserDomainId))
                : ("user domain name", x => x.UserDomainName = Word(r, x.UserDomainName)));
        }

        var noScope = o.ProjectId is null && o.ProjectName is null && o.DomainId is null && o.DomainName is null
            && o.SystemScope is null && o.TrustId is null && !o.Unscoped;
        if (noScope)
        {
            // Adding a scope to a default-scoped identity is a one-field change too.
            list.Add(("project id", x => x.ProjectId = Word(r)));
            list.Add(("domain id", x => x.DomainId = Word(r)));
            list.Add(("domain name", x => x.DomainName = Word(r)));
            list.Add(("system", x => x.SystemScope = "all"));
            list.Add(("trust", x => x.TrustId = Word(r)));
            list.Add(("unscoped", x => x.Unscoped = true));
        }

        if (o.ProjectId is not null)
        {
            list.Add(("project id", x => x.ProjectId = Word(r, x.ProjectId)));
        }

        if (o.ProjectName is not null)
        {
            list.Add(("project name", x => x.ProjectName = Word(r, x.ProjectName)));
            list.Add(o.ProjectDomainId is not null
                ? ("project domain id", x => x.ProjectDomainId = Word(r, x.ProjectDomainId))
                : ("project domain name", x => x.ProjectDomainName = Word(r, x.ProjectDomainName)));
        }

        if (o.DomainId is not null)
        {
            list.Add(("domain id", x => x.DomainId = Word(r, x.DomainId)));
        }

        if (o.DomainName is not null)
        {
            list.Add(("domain name", x => x.DomainName = Word(r, x.DomainName)));
        }

        if (o.SystemScope is not null)
        {
            list.Add(("system", x => x.SystemScope = null));
        }

        if (o.TrustId is not null)
        {
            list.Add(("trust", x => x.TrustId = Word(r, x.TrustId)));
        }

        if (o.Unscoped)
        {
            list.Add(("unscoped", x => x.Unscoped = false));
        }

        return list;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HexId();
}
