using System.Net;
using System.Net.Sockets;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>Count stays within MaxEntries whatever the token requests do: only cached tokens and requests under way hold a slot.</summary>
public sealed class BoundTests
{
    [Fact]
    public async Task Constructing_plugins_and_invalidating_through_them_adds_no_entry()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 10, RefreshJitter = TimeSpan.Zero });
        var access = await h.Auth("owner").GetAccessAsync();
        Assert.Equal(1, h.Cache.Count);

        var plugins = Enumerable.Range(0, 1000).Select(i => h.Auth("user" + i)).ToArray();
        Assert.Equal(1, h.Cache.Count);

        // A 401 reported through a plugin that never fetched has nothing to drop and must not attach.
        Assert.True(plugins[0].Invalidate(access));
        Assert.Equal(1, h.Cache.Count);
        Assert.Equal(1, h.Server.Posts);
    }

    public static TheoryData<string> Failures => new() { "401", "503", "connect" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Identities_whose_every_request_fails_leave_no_entry(string failure)
    {
        const int Identities = 3000;
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 100, RefreshJitter = TimeSpan.Zero });
        h.Server.Fault = _ => failure switch
        {
            "401" => TokenServer.Error(HttpStatusCode.Unauthorized, "The request you have made requires authentication."),
            "503" => TokenServer.Error(HttpStatusCode.ServiceUnavailable, "busy"),
            _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)),
        };

        var most = 0;
        for (var i = 0; i < Identities; i++)
        {
            await Assert.ThrowsAnyAsync<KeystoneException>(async () => await h.Auth("user" + i).GetAccessAsync());
            most = Math.Max(most, h.Cache.Count);
        }

        Assert.Equal(Identities, h.Server.Posts);
        Assert.Equal(0, h.Cache.Count);
        Assert.True(most <= 1, $"{most} entries at once, for requests made one at a time");
    }

    [Fact]
    public async Task Failing_identities_arriving_concurrently_at_a_full_cache_leave_it_within_the_bound()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 50, RefreshJitter = TimeSpan.Zero });
        for (var i = 0; i < 60; i++)
        {
            await h.Auth("cached" + i).GetAccessAsync();
        }

        Assert.True(h.Cache.Count <= 50, $"{h.Cache.Count} entries");

        // From now on Keystone refuses everyone: no request succeeds, so nothing
        // trims on a store; the failures themselves must leave nothing behind.
        h.Server.Fault = _ => TokenServer.Error(HttpStatusCode.Unauthorized, "no");
        var calls = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
            await Assert.ThrowsAsync<AuthenticationFailedException>(async () => await h.Auth("user" + i).GetAccessAsync())));
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2060, h.Server.Posts);
        Assert.True(h.Cache.Count <= 50, $"{h.Cache.Count} entries");
    }

    [Fact]
    public async Task A_caller_that_has_already_cancelled_adds_no_entry()
    {
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 10, RefreshJitter = TimeSpan.Zero });
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        for (var i = 0; i < 100; i++)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await h.Auth("user" + i).GetAccessAsync(cancelled.Token));
        }

        Assert.Equal(0, h.Cache.Count);
        Assert.Equal(0, h.Server.Posts);
    }

    [Fact]
    public async Task After_a_failure_the_next_callers_still_share_one_request()
    {
        using var h = new CacheHarness();
        h.Server.Fault = n => n == 1 ? TokenServer.Error(HttpStatusCode.ServiceUnavailable, "busy") : null;
        var auth = h.Auth();
        var other = h.Auth();
        await Assert.ThrowsAsync<KeystoneHttpException>(async () => await auth.GetAccessAsync());
        Assert.Equal(0, h.Cache.Count);

        // Both plugins held the dropped slot; they must meet in one new slot, not two.
        h.Server.HoldPosts();
        var first = Task.Run(async () => await auth.GetAccessAsync());
        var second = Task.Run(async () => await other.GetAccessAsync());
        var joined = await Wait.UntilAsync(() => h.Waiters(auth) == 2);
        h.Server.Release();

        Assert.True(joined);
        Assert.Same(await first, await second);
        Assert.Equal(2, h.Server.Posts);
        Assert.Equal(1, h.Cache.Count);
    }
}
