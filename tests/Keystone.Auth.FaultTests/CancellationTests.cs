using System.Net;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// The caller's CancellationToken: it stops the caller's own work at once and
/// surfaces as OperationCanceledException (never relabelled as a timeout), but
/// never fails a shared token fetch that other callers wait on.
/// </summary>
public sealed class CancellationTests : FaultTestBase
{
    [Fact]
    public async Task Cancelling_during_a_slow_service_call_throws_OperationCanceled_and_tears_down_the_request()
    {
        var (arrived, abortedOnServer) = HangUntilAborted(Server.OnService);
        using var client = new Harness(Server, session: new KeystoneSessionOptions { Timeout = TimeSpan.FromMinutes(5) });
        using var cts = new CancellationTokenSource();

        var call = client.Session.GetAsync("/slow", Harness.Compute, cts.Token);
        await arrived.WaitAsync(Guard);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
        await abortedOnServer.WaitAsync(Guard); // the connection was really dropped, not left running
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task Cancelling_an_uncached_token_request_aborts_the_POST_and_caches_nothing()
    {
        var (arrived, abortedOnServer) = HangUntilAborted(Server.OnToken);
        using var client = new Harness(Server);
        using var cts = new CancellationTokenSource();

        var call = client.PasswordAuth.GetAccessAsync(cts.Token).AsTask();
        await arrived.WaitAsync(Guard);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
        await abortedOnServer.WaitAsync(Guard);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task An_already_cancelled_token_sends_nothing()
    {
        var wire = new CountingHandler();
        using var client = new Harness(Server, handler: wire);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Session.GetAsync("/x", Harness.Compute, new CancellationToken(true)).WaitAsync(Guard));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Caching.GetAccessAsync(new CancellationToken(true)).AsTask().WaitAsync(Guard));

        // Not even a background token fetch was started for callers that had already given up.
        Assert.Equal(0, wire.Sends);
        await AssertNothingCachedAsync(client);
        Assert.Equal(2, wire.Sends);
    }

    [Fact]
    public async Task One_waiter_cancelling_a_shared_token_fetch_does_not_fail_the_others()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.OnToken(async ctx =>
        {
            arrived.TrySetResult();
            if (await Server.WaitAsync(release.Task, ctx))
            {
                await Server.IssueTokenAsync(ctx);
            }
        });
        using var client = new Harness(Server);
        using var quitter = new CancellationTokenSource();

        var cancelled = client.Session.GetAsync("/a", Harness.Compute, quitter.Token);
        var patientA = client.Session.GetAsync("/b", Harness.Compute);
        var patientB = client.Caching.GetAccessAsync().AsTask();
        await arrived.Task.WaitAsync(Guard);
        await quitter.CancelAsync();

        // The quitter is out while the POST is still held on the server.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Guard));
        Assert.False(patientA.IsCompleted);
        Assert.False(patientB.IsCompleted);

        release.SetResult();
        using var a = await patientA.WaitAsync(Guard);
        var b = await patientB.WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(Server.IssuedTokens.Single(), b.Token);
        Assert.Equal(1, Server.TokenPosts);
        Assert.Equal(1, Server.ServiceCalls); // only the patient caller's request went out
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task Cancelling_while_waiting_to_retry_stops_at_once()
    {
        for (var i = 0; i < 4; i++)
        {
            Server.OnService(Faults.Status(503));
        }

        var time = new RecordingTimeProvider();
        using var client = new Harness(Server, session: new KeystoneSessionOptions { StatusCodeRetries = 3 }, sessionTime: time);
        using var cts = new CancellationTokenSource();

        var call = client.Session.GetAsync("/x", Harness.Compute, cts.Token);
        await time.NextTimerAsync(Guard);
        await cts.CancelAsync(); // fake time never advances: only the cancellation can end the wait

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Guard));
        Assert.Equal(1, Server.ServiceCalls);
    }

    /// <summary>
    /// Scripts (through <paramref name="script"/>: OnToken or OnService) a request that never
    /// gets its answer. Arrived: the request reached the server. AbortedOnServer: the
    /// client then tore the connection down (it was not left hanging).
    /// </summary>
    private (Task Arrived, Task AbortedOnServer) HangUntilAborted(Action<Func<HttpContext, Task>> script)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        script(async ctx =>
        {
            arrived.TrySetResult();
            await Server.HangAsync(ctx);
            if (ctx.RequestAborted.IsCancellationRequested)
            {
                aborted.TrySetResult();
            }
        });
        return (arrived.Task, aborted.Task);
    }
}
