using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>
/// A Redis that accepts connections but does not answer (CLIENT PAUSE), the
/// caller's own cancellation, and calls after dispose. Own server, so the
/// pause disturbs no other test.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed class SlowRedisTests
{
    [Fact]
    public async Task A_redis_that_does_not_answer_gives_misses_after_the_operation_timeout_and_opens_the_breaker()
    {
        await using var server = await RedisServer.StartNewAsync();
        var options = Stores.Options(server);
        options.OperationTimeout = TimeSpan.FromMilliseconds(200);
        options.BreakerFailureThreshold = 2;
        options.BreakerOpenDuration = TimeSpan.FromMilliseconds(200);
        await using var store = await RedisTokenStore.ConnectAsync(options);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true");
        var key = TestKeys.NewKey();
        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));
        using var metrics = new MetricRecorder();

        // Redis holds every client's commands for 3 s (it ends by itself: a paused
        // connection cannot reliably send the UNPAUSE)
        await raw.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");

        Assert.Null(await store.GetAsync(key));
        Assert.False(await store.SetAsync(key, "token-2", TestKeys.Payload("two"), TimeSpan.FromMinutes(5)));
        Assert.False(await store.RemoveIfMatchAsync(key, "token-1"));
        Assert.Null(await store.TryAcquireLeaseAsync(key, TimeSpan.FromSeconds(5)));

        Assert.True(store.IsBreakerOpen);
        Assert.True(metrics["keystone.auth.store.errors"] >= 2);
        Assert.True(metrics["keystone.auth.store.bypassed"] >= 1);

        Assert.True(
            // "one", or "two" if Redis ran the timed-out SET after the pause: both are tokens we stored
            await Eventually.TrueAsync(async () => await store.GetAsync(key) is not null),
            "sharing did not resume after the pause");
        Assert.False(store.IsBreakerOpen);
    }

    [Fact]
    public async Task The_callers_own_cancellation_surfaces_as_cancellation()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var store = await Stores.ConnectAsync(server);
        var key = TestKeys.NewKey();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(key, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SetAsync(key, "t", TestKeys.Payload("p"), TimeSpan.FromMinutes(1), cancelled.Token));

        using var later = new CancellationTokenSource();
        var waiting = store.WaitForEntryAsync(key, TimeSpan.FromMinutes(5), later.Token);
        await later.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // cancellation is not a Redis failure: the store still works
        Assert.False(store.IsBreakerOpen);
        Assert.True(await store.SetAsync(key, "t", TestKeys.Payload("p"), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task After_dispose_calls_answer_nothing_and_a_pending_wait_ends()
    {
        await using var server = await RedisServer.StartNewAsync();
        var options = Stores.Options(server);
        options.WaitPollInterval = TimeSpan.FromMinutes(1);   // only dispose can end the wait in time
        var store = await RedisTokenStore.ConnectAsync(options);
        var key = TestKeys.NewKey();
        var asleep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.WaitingForNotification += _ => asleep.TrySetResult();
        var waiting = store.WaitForEntryAsync(key, TimeSpan.FromMinutes(5));
        await asleep.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await store.DisposeAsync();

        Assert.Null(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Null(await store.GetAsync(key));
        Assert.False(await store.SetAsync(key, "t", TestKeys.Payload("p"), TimeSpan.FromMinutes(1)));
        await store.DisposeAsync();   // twice is fine
    }
}
