using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>
/// Two <see cref="TokenCache"/>s over one <see cref="ITokenStore"/> play two
/// processes; the counting token server says how many POSTs the fleet made.
/// </summary>
public sealed class SharedTierTests
{
    private static TokenCache Process(CacheHarness h, ITokenStore store, TimeSpan? wait = null) =>
        new(new TokenCacheOptions { Store = store, RefreshJitter = TimeSpan.Zero, StoreWaitTimeout = wait ?? TimeSpan.FromSeconds(20), FetchTimeout = TimeSpan.FromSeconds(50) }, h.Time);

    private static CachingPasswordAuth Auth(CacheHarness h, TokenCache cache, string user = "dcmanager") =>
        new(h.PasswordAuth(CacheHarness.Identity(user)), cache);

    [Fact]
    public async Task A_concurrent_cold_start_of_two_processes_makes_one_post()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var (a, b) = (Auth(h, Process(h, store)), Auth(h, Process(h, store)));
        var gate = h.Server.HoldPosts();

        var callers = Enumerable.Range(0, 16).Select(i => Task.Run(async () => await (i % 2 == 0 ? a : b).GetAccessAsync())).ToArray();

        // One process POSTs under the lease; the other waits on the store for it.
        var settled = await Wait.UntilAsync(() => h.Server.Posts == 1 && store.Waiting == 1);
        gate.SetResult();
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(settled, $"posts {h.Server.Posts}, waiting {store.Waiting}");
        Assert.Equal(1, h.Server.Posts);
        Assert.All(tokens, t => Assert.Equal("tok-1", t.Token));
        Assert.Equal(1, store.LeasesGranted);
    }

    [Fact]
    public async Task A_process_started_later_takes_the_shared_token_without_a_post_and_its_expiry_is_the_stores()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var first = await Auth(h, Process(h, store)).GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        h.Time.Advance(TimeSpan.FromMinutes(10));

        var later = await Auth(h, Process(h, store)).GetAccessAsync();

        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(first.Token, later.Token);
        Assert.Equal(first.LocalExpiresAt, later.LocalExpiresAt);
    }

    [Fact]
    public async Task A_401_in_one_process_costs_one_post_for_both_and_drops_the_others_copy_of_that_token_only()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var (a, b) = (Auth(h, Process(h, store)), Auth(h, Process(h, store)));
        var tok1 = await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        Assert.Equal(tok1.Token, (await b.GetAccessAsync()).Token);

        a.Invalidate(tok1);                                  // a service said 401 to process A
        Assert.True(await Wait.UntilAsync(() => store.Removes == 1));
        var tok2 = await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 2);

        // B was told: its next call misses and takes A's new token from the store.
        var fromB = await b.GetAccessAsync();
        Assert.Equal(tok2.Token, fromB.Token);
        Assert.Equal(2, h.Server.Posts);

        // A late broadcast about tok-1 leaves the newer token where it is.
        store.Broadcast(b.Cache.FindSlot(b.GetCacheId())!.StoreKey!, tok1.Token);
        var still = b.GetAccessAsync();
        Assert.True(still.IsCompletedSuccessfully);
        Assert.Equal(tok2.Token, (await still).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_late_401_for_an_older_token_does_not_make_the_process_adopt_a_newer_rejected_one()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var a = Auth(h, Process(h, store));
        var tok1 = await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        store.DeferRemoves = true;                           // the deletes below have not landed yet

        a.Invalidate(tok1);                                  // a service said 401 to tok-1 ...
        a.Invalidate(new AccessInfo { Token = "tok-0", ExpiresAt = tok1.ExpiresAt });   // ... then, late, to an older token
        var next = await a.GetAccessAsync();

        // tok-1 is still in the store, but this process saw it refused: it fetches.
        Assert.Equal("tok-2", next.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_key_rotation_seen_by_every_process_at_once_costs_the_fleet_one_post()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var auths = Enumerable.Range(0, 4).Select(_ => Auth(h, Process(h, store))).ToArray();
        var old = await auths[0].GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        foreach (var auth in auths)
        {
            Assert.Equal(old.Token, (await auth.GetAccessAsync()).Token);
        }

        // Every process gets its 401 and asks again before any delete has landed.
        var again = auths.SelectMany(auth => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            auth.Invalidate(old);
            return await auth.GetAccessAsync();
        }))).ToArray();
        var fresh = await Task.WhenAll(again).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, h.Server.Posts);
        Assert.All(fresh, t => Assert.Equal("tok-2", t.Token));
    }

    [Fact]
    public async Task A_shared_token_that_died_before_anyone_reported_it_costs_a_call_nothing()
    {
        // Around a key rotation a process can share a token that is already dead
        // (issued with a key being replaced). Another process adopts it on its
        // resend; that rejection must not end the caller's call.
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var (a, b) = (Auth(h, Process(h, store)), Auth(h, Process(h, store)));
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        h.Server.Service = (request, _) =>
        {
            var token = request.Headers.GetValues("X-Auth-Token").Single();
            seen.Enqueue(token);
            return Task.FromResult(new HttpResponseMessage(token is "tok-1" or "tok-2" ? System.Net.HttpStatusCode.Unauthorized : System.Net.HttpStatusCode.OK));
        };
        var tok1 = await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        Assert.Equal(tok1.Token, (await b.GetAccessAsync()).Token);
        store.DeferRemoves = true;                           // B has not heard of tok-1's end yet
        a.Invalidate(tok1);                                  // A renews: tok-2, dead, goes to the store
        Assert.Equal("tok-2", (await a.GetAccessAsync()).Token);
        await Wait.UntilAsync(() => store.Sets == 2);

        using var session = new KeystoneSession(b, h.Http, new KeystoneSessionOptions { RaiseOnError = false });
        using var response = await session.GetAsync("https://sysinv.test:6385/v1/ihosts");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["tok-1", "tok-2", "tok-3"], seen);
        Assert.Equal(3, h.Server.Posts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_store_that_throws_or_hangs_never_fails_a_call(bool hangs)
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time) { Fault = hangs ? MemoryTokenStore.FaultMode.Hang : MemoryTokenStore.FaultMode.Throw };
        var (a, b) = (Auth(h, Process(h, store, TimeSpan.FromMilliseconds(200))), Auth(h, Process(h, store, TimeSpan.FromMilliseconds(200))));

        var tokA = await a.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        var tokB = await b.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        a.Invalidate(tokA);
        var tokA2 = await a.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        // Each process asked Keystone itself; nothing failed.
        Assert.Equal(3, h.Server.Posts);
        Assert.Equal(["tok-1", "tok-2", "tok-3"], new[] { tokA.Token, tokB.Token, tokA2.Token }.Order());
    }

    [Fact]
    public async Task A_tampered_entry_is_ignored_and_costs_one_post()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        await Auth(h, Process(h, store)).GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        store.Tamper(p =>
        {
            p[p.Length / 2] ^= 0x5a;
            return p;
        });

        var b = await Auth(h, Process(h, store)).GetAccessAsync();

        Assert.Equal("tok-2", b.Token);
        Assert.Equal(2, h.Server.Posts);
        Assert.True(await Wait.UntilAsync(() => store.Sets == 2));

        // The good entry B stored replaces the damaged one: a third process takes it.
        Assert.Equal("tok-2", (await Auth(h, Process(h, store)).GetAccessAsync()).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Two_identities_never_share_an_entry()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var (p1, p2) = (Process(h, store), Process(h, store));

        var alice = await Auth(h, p1, "alice").GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        var bob = await Auth(h, p2, "bob").GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 2);

        Assert.NotEqual(alice.Token, bob.Token);
        Assert.Equal(1, h.Server.PostsFor("alice"));
        Assert.Equal(1, h.Server.PostsFor("bob"));
        Assert.Equal(2, store.EntryNames.Count);
        Assert.Equal(alice.Token, (await Auth(h, p2, "alice").GetAccessAsync()).Token);
        Assert.Equal(bob.Token, (await Auth(h, p1, "bob").GetAccessAsync()).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_shared_token_too_close_to_its_renewal_is_renewed_once_not_adopted()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        await Auth(h, Process(h, store)).GetAccessAsync();          // 1 h token
        await Wait.UntilAsync(() => store.Sets == 1);
        h.Time.Advance(TimeSpan.FromMinutes(56));                   // 240 s left < 300 s margin

        var b = await Auth(h, Process(h, store)).GetAccessAsync();

        Assert.Equal("tok-2", b.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Renewing_before_expiry_costs_the_fleet_one_post()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var (a, b) = (Auth(h, Process(h, store)), Auth(h, Process(h, store)));
        await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 1);
        await b.GetAccessAsync();
        h.Time.Advance(TimeSpan.FromMinutes(56));                   // both due: 240 s left < 300 s margin

        var renewedA = await a.GetAccessAsync();
        await Wait.UntilAsync(() => store.Sets == 2);
        var renewedB = await b.GetAccessAsync();

        Assert.Equal("tok-2", renewedA.Token);
        Assert.Equal("tok-2", renewedB.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_lease_holder_that_never_stores_delays_the_others_by_the_wait_only()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        var b = Auth(h, Process(h, store, TimeSpan.FromMilliseconds(300)));
        var material = new byte[32];
        var name = ((ISharedTokenIdentity)h.PasswordAuth()).DeriveSharedTokenKey(material);

        // A process took the lease and died: it will never store a token.
        Assert.NotNull(await store.TryAcquireLeaseAsync(new TokenStoreKey(name, material), TimeSpan.FromMinutes(1)));
        var token = await b.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("tok-1", token.Token);
        Assert.Equal(1, h.Server.Posts);
        Assert.True(await Wait.UntilAsync(() => store.TokenIn(name) == "tok-1"), "the token fetched after the wait is shared too");
    }

    [Fact]
    public void StoreWaitTimeout_out_of_range_is_refused_naming_it_and_only_a_store_ties_it_to_FetchTimeout()
    {
        using var h = new CacheHarness();
        var store = new MemoryTokenStore(h.Time);
        foreach (var bad in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(6) })
        {
            var ex = Assert.Throws<InvalidOptionsException>(() => new TokenCache(new TokenCacheOptions { StoreWaitTimeout = bad }));
            Assert.Contains("StoreWaitTimeout must be more than 0", ex.Message, StringComparison.Ordinal);
        }

        var tied = Assert.Throws<InvalidOptionsException>(() => new TokenCache(new TokenCacheOptions { Store = store, FetchTimeout = TimeSpan.FromSeconds(5) }));
        Assert.Contains("StoreWaitTimeout (10 s) must be below FetchTimeout (5 s)", tied.Message, StringComparison.Ordinal);
        Assert.NotNull(new TokenCache(new TokenCacheOptions { FetchTimeout = TimeSpan.FromSeconds(5) }));
    }
}
