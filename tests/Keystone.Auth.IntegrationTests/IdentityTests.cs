using System.Net;
using System.Text.Json.Nodes;
using Keystone.Auth.Caching;

namespace Keystone.Auth.IntegrationTests;

/// <summary>Scenarios 7 and 8: identities never share a token; a refused login is never cached.</summary>
[Collection(KeystoneGroup.Name)]
public sealed class IdentityTests(KeystoneFixture fx)
{
    [Fact]
    public async Task Two_users_on_one_auth_url_through_the_shared_cache_get_their_own_tokens_and_projects()
    {
        // One HttpClient for both, as a service calling one cloud as two users would.
        using var http = TestHttp.Create(out var counter);
        var alice = new KeystoneSession(new CachingPasswordAuth(new PasswordAuth(fx.Alice(), http), TokenCache.Shared), http);
        var bob = new KeystoneSession(new CachingPasswordAuth(new PasswordAuth(fx.Bob(), http), TokenCache.Shared), http);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal([fx.Seed.AlphaId], await ProjectsSeenAsync(alice));
            Assert.Equal([fx.Seed.BetaId], await ProjectsSeenAsync(bob));
        }

        var a = await alice.GetAccessAsync();
        var b = await bob.GetAccessAsync();
        Assert.NotEqual(a.Token, b.Token);
        Assert.Equal(fx.Seed.AliceId, a.User!.Id);
        Assert.Equal(fx.Seed.AlphaId, a.Project!.Id);
        Assert.Equal(fx.Seed.BobId, b.User!.Id);
        Assert.Equal(fx.Seed.BetaId, b.Project!.Id);

        // one POST per identity, 10 GETs, each carrying its own user's token
        Assert.Equal(2, counter.TokenPosts);
        var gets = counter.Events.Where(e => e.Method == "GET").ToList();
        Assert.Equal(10, gets.Count);
        Assert.Equal(2, gets.Select(e => e.TokenHash).Distinct().Count());
    }

    [Fact]
    public async Task Wrong_password_raises_AuthenticationFailed_without_the_password_and_is_not_cached()
    {
        const string wrongPassword = "not-Alices-password-4e1d";
        var options = fx.Alice();
        options.Password = wrongPassword;
        using var rig = new Rig(options);

        var first = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
        var second = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.Session.GetAccessAsync().AsTask());

        foreach (var ex in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
            Assert.DoesNotContain(wrongPassword, ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrongPassword, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(SeedData.AlicePassword, ex.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(wrongPassword, rig.Password.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, rig.Auth.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, options.ToString(), StringComparison.Ordinal);

        // nothing was cached: the second call went to the server again, and no
        // service call was ever sent without a token
        Assert.Equal(["POST 401", "POST 401"], rig.Counter.Events.Select(e => e.Short));

        // the right password is another identity: it authenticates at once
        using var right = new Rig(fx.Alice(), rig.Cache);
        using var ok = await right.CallAsync();
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(["POST 201", "GET 200"], right.Counter.Events.Select(e => e.Short));
    }

    private static async Task<List<string>> ProjectsSeenAsync(KeystoneSession session)
    {
        using var response = await session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return [.. body["projects"]!.AsArray().Select(p => p!["id"]!.GetValue<string>())];
    }
}
