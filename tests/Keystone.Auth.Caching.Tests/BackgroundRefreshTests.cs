using System.Net;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>
/// <see cref="TokenCacheOptions.RefreshInBackground"/>: a token due for renewal
/// is still handed out at once while exactly one background request replaces it;
/// callers wait only within 120 s of its end; a failed renewal keeps the token
/// and is not retried on every call. POSTs are counted by the token server.
/// </summary>
public sealed class BackgroundRefreshTests
{
    private static readonly TokenCacheOptions Options = new()
    {
        RefreshMargin = TimeSpan.FromSeconds(300),
        RefreshJitter = TimeSpan.Zero,
        RefreshInBackground = true,
    };

    [Fact]
    public async Task A_due_token_is_handed_out_at_once_to_100_callers_while_one_request_replaces_it()
    {
        using var h = new CacheHarness(Options);
        var (auth, first) = await DueAndHeldAsync(h, secondsLeft: 299);

        var calls = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() =>
        {
            var pending = auth.GetAccessAsync();
            return (Completed: pending.IsCompletedSuccessfully, Access: pending.IsCompletedSuccessfully ? pending.Result : null);
        })));

        // Every caller got the current token without waiting, though the renewal is held.
        Assert.All(calls, c => Assert.True(c.Completed));
        Assert.All(calls, c => Assert.Same(first, c.Access));
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 2));
        Assert.True(h.Fetching(auth));

        h.Server.Release();
        Assert.True(await Wait.UntilAsync(() => !h.Fetching(auth)));
        var renewed = await auth.GetAccessAsync();
        Assert.Equal("tok-2", renewed.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Within_120_s_of_its_end_the_token_is_no_longer_handed_out_and_callers_wait()
    {
        using var h = new CacheHarness(Options);
        var (auth, first) = await DueAndHeldAsync(h, secondsLeft: 119);

        var pending = auth.GetAccessAsync().AsTask();
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 2));
        Assert.False(pending.IsCompleted);

        h.Server.Release();
        Assert.Equal("tok-2", (await pending).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_failed_renewal_keeps_the_token_logs_a_warning_and_waits_15_s_before_trying_again()
    {
        var logger = new CapturingLogger<TokenCache>();
        using var h = new CacheHarness(Options, logger);
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        h.Server.Fault = n => n == 2 ? TokenServer.Error(HttpStatusCode.ServiceUnavailable, "down") : null;
        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(299));

        Assert.Same(first, await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 2 && !h.Fetching(auth)));

        // Failed: the token stays in use, and 14 s later calls still do not retry.
        for (var i = 0; i < 20; i++)
        {
            Assert.Same(first, await auth.GetAccessAsync());
        }

        h.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.False(h.Fetching(auth));
        Assert.Equal(2, h.Server.Posts);
        Assert.True(await Wait.UntilAsync(() => logger.Lines.Any(l => l.StartsWith("Warning Background token renewal", StringComparison.Ordinal) && l.Contains("(KeystoneHttpException)", StringComparison.Ordinal))));
        Assert.DoesNotContain(logger.Lines, l => l.Contains(first.Token, StringComparison.Ordinal) || l.Contains(CacheHarness.Password, StringComparison.Ordinal));

        // 15 s after the failure the next call starts one more renewal, which works.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 3 && !h.Fetching(auth)));
        Assert.Equal("tok-3", (await auth.GetAccessAsync()).Token);
        Assert.Equal(3, h.Server.Posts);
    }

    [Fact]
    public async Task A_401_during_a_background_renewal_joins_it_instead_of_starting_a_second_post()
    {
        using var h = new CacheHarness(Options);
        var (auth, first) = await DueAndHeldAsync(h, secondsLeft: 299);
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 2));

        auth.Invalidate(first);
        var waiting = auth.GetAccessAsync().AsTask();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 1));
        Assert.False(waiting.IsCompleted);

        h.Server.Release();
        Assert.Equal("tok-2", (await waiting).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Off_by_default_the_caller_that_finds_the_token_due_waits_for_the_new_one()
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero });
        var (auth, _) = await DueAndHeldAsync(h, secondsLeft: 299);

        var pending = auth.GetAccessAsync().AsTask();
        Assert.True(await Wait.UntilAsync(() => h.Server.Posts == 2));
        Assert.False(pending.IsCompleted);
        h.Server.Release();
        Assert.Equal("tok-2", (await pending).Token);
    }

    /// <summary>Caches a token, moves the clock to <paramref name="secondsLeft"/> before its end and holds further token POSTs.</summary>
    private static async Task<(CachingPasswordAuth Auth, AccessInfo First)> DueAndHeldAsync(CacheHarness h, int secondsLeft)
    {
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(secondsLeft));
        h.Server.HoldPosts();
        return (auth, first);
    }
}
