using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>The cache holds at most MaxEntries identities, dropping expired ones first.</summary>
public sealed class EvictionTests
{
    [Fact]
    public async Task After_25_identities_a_cache_bounded_to_10_holds_at_most_10()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 10, RefreshJitter = TimeSpan.Zero });
        for (var i = 0; i < 25; i++)
        {
            var auth = h.Auth("user" + i);
            await auth.GetAccessAsync();
            Assert.True(h.Cache.Count <= 10, $"after identity {i}: {h.Cache.Count} entries");
        }

        Assert.Equal(25, h.Server.Posts);
    }

    [Fact]
    public async Task Expired_entries_are_evicted_before_valid_ones()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 10, RefreshJitter = TimeSpan.Zero });
        h.Server.Lifetime = user => user.StartsWith("short", StringComparison.Ordinal) ? TimeSpan.FromMinutes(10) : TimeSpan.FromHours(2);

        // The long-lived identities are cached first (oldest), the short-lived ones after:
        // an oldest-first or random policy would drop long-lived ones.
        var longLived = Enumerable.Range(0, 5).Select(i => h.Auth("long" + i)).ToArray();
        foreach (var auth in longLived)
        {
            await auth.GetAccessAsync();
        }

        foreach (var auth in Enumerable.Range(0, 5).Select(i => h.Auth("short" + i)))
        {
            await auth.GetAccessAsync();
        }

        Assert.Equal(10, h.Cache.Count);
        h.Time.Advance(TimeSpan.FromMinutes(11));

        var newcomers = Enumerable.Range(0, 5).Select(i => h.Auth("new" + i)).ToArray();
        foreach (var auth in newcomers)
        {
            await auth.GetAccessAsync();
        }

        Assert.True(h.Cache.Count <= 10, $"{h.Cache.Count} entries");
        Assert.Equal(15, h.Server.Posts);

        // The still-valid long-lived tokens and the newcomers survived: hits, no POST.
        foreach (var auth in longLived.Concat(newcomers))
        {
            var hit = auth.GetAccessAsync();
            Assert.True(hit.IsCompletedSuccessfully);
            await hit;
        }

        Assert.Equal(15, h.Server.Posts);
    }

    [Fact]
    public async Task An_evicted_identity_fetches_again_and_keeps_single_flight()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 1, RefreshJitter = TimeSpan.Zero });
        var a = h.Auth("a");
        var a2 = h.Auth("a");
        await a.GetAccessAsync();

        // b's token renews later than a's, so a is the one closest to renewal and goes.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Auth("b").GetAccessAsync();

        h.Server.HoldPosts();
        var first = Task.Run(async () => await a.GetAccessAsync());
        var second = Task.Run(async () => await a2.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(a) == 2));
        h.Server.Release();

        Assert.Same(await first, await second);
        Assert.Equal(2, h.Server.PostsFor("a"));
    }

    [Fact]
    public async Task An_entry_being_fetched_is_not_evicted()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 1, RefreshJitter = TimeSpan.Zero });
        var slow = h.Auth("slow");
        h.Server.HoldPosts();
        var pending = Task.Run(async () => await slow.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(slow) == 1));

        // Others come and go while "slow" is in flight; it must not lose its slot
        // (a second caller would then start a second POST).
        var other = h.Auth("other");
        var otherTask = Task.Run(async () => await other.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(other) == 1));
        var late = Task.Run(async () => await slow.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(slow) == 2));
        h.Server.Release();
        await otherTask;

        Assert.Same(await pending, await late);
        Assert.Equal(1, h.Server.PostsFor("slow"));
    }

    [Fact]
    public async Task A_caller_holding_an_evicted_slot_joins_the_live_slots_request_instead_of_starting_a_second()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 1, RefreshJitter = TimeSpan.Zero });
        var innerA = h.PasswordAuth(CacheHarness.Identity("a"));

        // A caller looked the slot up, then lost the CPU while the slot was evicted
        // (it was empty, so it goes first). The internal call replays that interleaving.
        var stale = h.Cache.GetSlot(innerA.GetCacheId());
        await h.Auth("b").GetAccessAsync();
        Assert.True(stale.Detached);

        var a = h.Auth("a");
        h.Server.HoldPosts();
        var fromStale = h.Cache.GetAsync(stale, innerA.GetCacheId(), innerA, TimeSpan.FromSeconds(300), TimeSpan.Zero, CancellationToken.None).AsTask();
        var fromLive = Task.Run(async () => await a.GetAccessAsync());
        await Wait.UntilAsync(() => h.Waiters(a) == 2 || h.Server.PostsFor("a") > 1);
        h.Server.Release();

        Assert.Same(await fromStale, await fromLive);
        Assert.Equal(1, h.Server.PostsFor("a"));
    }
}
