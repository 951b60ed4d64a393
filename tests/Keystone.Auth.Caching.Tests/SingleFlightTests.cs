using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>Single flight, hits, failed fetches and cancellation, as the README's "The cache" section states them.</summary>
public sealed class SingleFlightTests
{
    [Fact]
    public async Task Cold_key_with_1000_concurrent_callers_makes_exactly_one_token_post()
    {
        const int Callers = 1000;
        using var h = new CacheHarness();
        var auth = h.Auth();
        h.Server.HoldPosts();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers)
            .Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await auth.GetAccessAsync();
            }))
            .ToArray();

        start.SetResult();
        var allQueued = await Wait.UntilAsync(() => h.Waiters(auth) == Callers);
        h.Server.Release();
        var results = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(allQueued, "not all callers joined one in-flight request");
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal("tok-1", results[0].Token);
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public async Task A_hit_makes_no_post_returns_the_same_instance_and_completes_synchronously()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();

        var second = auth.GetAccessAsync();

        Assert.True(second.IsCompletedSuccessfully);
        Assert.Same(first, await second);
        Assert.Equal(1, h.Server.Posts);
    }

    [Fact]
    public async Task A_hit_allocates_nothing()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        await auth.GetAccessAsync();
        for (var i = 0; i < 100; i++)
        {
            var warm = auth.GetAccessAsync();
            Assert.True(warm.IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var hit = auth.GetAccessAsync();
            Assert.True(hit.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, h.Server.Posts);
    }

    public static TheoryData<string> Failures => new() { "500", "401", "connect" };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_post_is_not_cached_and_every_waiter_gets_the_same_typed_error(string failure)
    {
        const int Callers = 20;
        using var h = new CacheHarness();
        h.Server.Fault = n => n != 1 ? null : failure switch
        {
            "500" => TokenServer.Error(HttpStatusCode.InternalServerError, "database is locked"),
            "401" => TokenServer.Error(HttpStatusCode.Unauthorized, "The request you have made requires authentication."),
            _ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (keystone.test:5001)", new SocketException((int)SocketError.ConnectionRefused)),
        };
        var auth = h.Auth();
        h.Server.HoldPosts();
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () => await auth.GetAccessAsync())).ToArray();
        var allQueued = await Wait.UntilAsync(() => h.Waiters(auth) == Callers);
        h.Server.Release();

        var errors = new List<KeystoneException>();
        foreach (var caller in callers)
        {
            errors.Add(await Assert.ThrowsAnyAsync<KeystoneException>(() => caller));
        }

        Assert.True(allQueued);
        Assert.Equal(1, h.Server.Posts);
        Assert.All(errors, e => Assert.Same(errors[0], e));
        switch (failure)
        {
            case "500":
                Assert.Equal(HttpStatusCode.InternalServerError, Assert.IsType<KeystoneHttpException>(errors[0]).StatusCode);
                break;
            case "401":
                Assert.Equal(HttpStatusCode.Unauthorized, Assert.IsType<AuthenticationFailedException>(errors[0]).StatusCode);
                break;
            default:
                Assert.IsType<ConnectFailureException>(errors[0]);
                break;
        }

        // Nothing was cached: the next call asks again, and succeeds.
        var access = await auth.GetAccessAsync();
        Assert.Equal("tok-2", access.Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_waiter_that_cancels_gets_OperationCanceled_and_the_others_still_get_the_token()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        h.Server.HoldPosts();
        using var cts = new CancellationTokenSource();
        var quitter = Task.Run(async () => await auth.GetAccessAsync(cts.Token));
        var others = Enumerable.Range(0, 4).Select(_ => Task.Run(async () => await auth.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 5));

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        Assert.All(others, o => Assert.False(o.IsCompleted));

        h.Server.Release();
        var results = await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(results, r => Assert.Equal("tok-1", r.Token));
        Assert.Equal(1, h.Server.Posts);
    }

    [Fact]
    public async Task When_every_waiter_cancels_the_fetch_still_completes_and_is_cached()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        h.Server.HoldPosts();
        var sources = Enumerable.Range(0, 3).Select(_ => new CancellationTokenSource()).ToArray();
        var callers = sources.Select(s => Task.Run(async () => await auth.GetAccessAsync(s.Token))).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 3));

        foreach (var source in sources)
        {
            await source.CancelAsync();
        }

        foreach (var caller in callers)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller);
        }

        h.Server.Release();

        // Either still in flight (joins it) or already cached (a hit): no new POST.
        var later = await auth.GetAccessAsync();
        Assert.Equal("tok-1", later.Token);
        Assert.Equal(1, h.Server.Posts);
        Assert.Same(later, await auth.GetAccessAsync());
        Assert.Equal(1, h.Server.Posts);
        foreach (var source in sources)
        {
            source.Dispose();
        }
    }

    [Fact]
    public async Task A_failed_fetch_whose_waiters_all_cancelled_leaves_no_unobserved_task_exception()
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await FailWithEveryWaiterCancelledAsync(marker);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.DoesNotContain(unobserved, e => Mentions(e, marker));
    }

    // Not inlined, so that nothing of the failed fetch stays reachable from the test's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task FailWithEveryWaiterCancelledAsync(string marker)
    {
        using var h = new CacheHarness();
        h.Server.Fault = _ => throw new HttpRequestException(HttpRequestError.ConnectionError, marker);
        var auth = h.Auth();
        h.Server.HoldPosts();
        using var cts = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await auth.GetAccessAsync(cts.Token))).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 3));
        await cts.CancelAsync();
        foreach (var caller in callers)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caller);
        }

        h.Server.Release();
        Assert.True(await Wait.UntilAsync(() => !h.Fetching(auth)));
        Assert.Equal(1, h.Server.Posts);
    }

    private static bool Mentions(Exception e, string marker) =>
        e.Message.Contains(marker, StringComparison.Ordinal)
        || (e.InnerException is { } inner && Mentions(inner, marker))
        || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(x => Mentions(x, marker)));
}
