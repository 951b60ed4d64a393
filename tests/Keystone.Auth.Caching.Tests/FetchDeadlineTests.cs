using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>
/// Every token request the cache makes ends by TokenCacheOptions.FetchTimeout,
/// whatever the plugin does: a stuck request never wedges its identity.
/// </summary>
public sealed class FetchDeadlineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static TokenCacheOptions Options() => new() { RefreshJitter = TimeSpan.Zero, FetchTimeout = Deadline };

    [Fact]
    public async Task A_request_that_never_returns_is_abandoned_at_the_deadline_and_the_next_call_starts_a_new_one()
    {
        var log = new CapturingLogger<TokenCache>();
        using var h = new CacheHarness(Options(), log);
        var plugin = new GatedPlugin(h.PasswordAuth());
        var auth = new CachingPasswordAuth(plugin, h.Cache);
        var callers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await auth.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 3));

        // The plugin is told at the deadline, not before (fake clock: Advance fires timers synchronously).
        h.Time.Advance(Deadline - TimeSpan.FromSeconds(1));
        Assert.False(plugin.TokenOf(1).IsCancellationRequested);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(plugin.TokenOf(1).IsCancellationRequested);

        var errors = new List<KeystoneTimeoutException>();
        foreach (var caller in callers)
        {
            errors.Add(await Assert.ThrowsAsync<KeystoneTimeoutException>(() => caller.WaitAsync(TimeSpan.FromSeconds(30))));
        }

        Assert.All(errors, e => Assert.Same(errors[0], e));
        Assert.Equal(Deadline, errors[0].Timeout);
        Assert.Equal(1, plugin.Calls);
        Assert.Equal(0, h.Server.Posts);

        // The first request still hangs, yet the next call is not stuck behind it.
        plugin.Hold = false;
        var fresh = await auth.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, plugin.Calls);
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal("tok-1", fresh.Token);

        // The abandoned request ends late with a token of its own: it is discarded,
        // never stored over the newer one.
        plugin.Release(1);
        var discarded = await Wait.UntilAsync(() => log.Lines.Any(l => l.Contains("ended late", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.Equal(2, h.Server.Posts);
        var hit = auth.GetAccessAsync();
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Same(fresh, await hit);
        Assert.Equal(2, plugin.Calls);
        Assert.True(discarded, "the late token was not reported as discarded");
    }

    [Fact]
    public async Task After_an_abandoned_request_concurrent_callers_still_share_one_new_request()
    {
        const int Callers = 50;
        using var h = new CacheHarness(Options());
        var plugin = new GatedPlugin(h.PasswordAuth());
        var auth = new CachingPasswordAuth(plugin, h.Cache);
        var first = Task.Run(async () => await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 1));
        h.Time.Advance(Deadline);
        await Assert.ThrowsAsync<KeystoneTimeoutException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));

        // Request 1 still hangs; request 2 is held until every caller has joined it.
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () => await auth.GetAccessAsync())).ToArray();
        var allQueued = await Wait.UntilAsync(() => h.Waiters(auth) == Callers);
        plugin.Release(2);
        var results = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(allQueued, "not all callers joined one request");
        Assert.Equal(2, plugin.Calls);
        Assert.Equal(1, h.Server.Posts);
        Assert.All(results, r => Assert.Same(results[0], r));
        plugin.Release(1);
    }

    [Fact]
    public async Task A_stalled_post_is_cancelled_at_the_cache_deadline()
    {
        // The harness sets RequestTimeout = null and holds the POST on the fake
        // clock's side only: the cache's deadline is what ends it.
        using var h = new CacheHarness(Options());
        var password = h.PasswordAuth();
        var auth = new CachingPasswordAuth(password, h.Cache);
        h.Server.HoldPosts();
        var caller = Task.Run(async () => await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Server.InFlightFor("dcmanager") == 1));

        h.Time.Advance(Deadline);

        var error = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => caller.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(password.TokenUrl, error.RequestUri);
        Assert.Equal(Deadline, error.Timeout);

        // The POST itself was cancelled (the handler saw the token), not merely left behind.
        Assert.True(await Wait.UntilAsync(() => h.Server.InFlightFor("dcmanager") == 0, TimeSpan.FromSeconds(10)));
        h.Server.Release();
        var access = await auth.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("tok-2", access.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_stalled_background_renewal_is_abandoned_and_callers_wait_only_for_a_new_request()
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero, FetchTimeout = Deadline, RefreshInBackground = true });
        var plugin = new GatedPlugin(h.PasswordAuth()) { Hold = false };
        var auth = new CachingPasswordAuth(plugin, h.Cache);
        var first = await auth.GetAccessAsync();

        // Due for renewal (300 s margin): the hit starts a background request, which stalls.
        plugin.Hold = true;
        h.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(299));
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => plugin.Calls == 2));

        // Past the deadline and within 120 s of the end: the stuck renewal no longer
        // holds the identity; a caller starts (and gets) a new request.
        h.Time.Advance(Deadline);
        Assert.True(await Wait.UntilAsync(() => !h.Fetching(auth)));
        h.Time.Advance(TimeSpan.FromSeconds(130));
        plugin.Hold = false;
        var renewed = await auth.GetAccessAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, plugin.Calls);
        Assert.NotEqual(first.Token, renewed.Token);
        plugin.Release(2);
    }

    public static TheoryData<string, TimeSpan> BadTimeouts => new()
    {
        { "zero", TimeSpan.Zero },
        { "negative", TimeSpan.FromSeconds(-5) },
        { "infinite", Timeout.InfiniteTimeSpan },
        { "over an hour", TimeSpan.FromHours(2) },
    };

    [Theory]
    [MemberData(nameof(BadTimeouts))]
    public void FetchTimeout_must_be_finite_and_positive(string name, TimeSpan timeout)
    {
        var error = Assert.Throws<InvalidOptionsException>(() => new TokenCache(new TokenCacheOptions { FetchTimeout = timeout }));
        Assert.Contains("FetchTimeout", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(name));
    }
}
