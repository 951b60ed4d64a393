using System.Collections.Concurrent;
using System.Net;
using Xunit.Abstractions;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Scenarios 4 and 5: many callers on one cached identity. Token POSTs are
/// counted at the bottom of the HttpClient and again in the server's access log.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class ConcurrencyTests(KeystoneFixture fx, ITestOutputHelper output)
{
    private const string TokenPostLine = "POST /v3/auth/tokens";
    private const string CallLine = "GET /v3" + TestHttp.AuthenticatedPath;

    [Fact]
    public async Task Cold_start_200_concurrent_first_calls_make_exactly_one_token_POST()
    {
        const int callers = 200;
        using var rig = new Rig(fx.Alice());

        // The token POST is held at the bottom of the client until every caller
        // has asked for a token, so all 200 really miss an empty cache at once.
        var entered = 0;
        var allEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Counter.HoldTokenPostsUntil(() => allEntered.Task.WaitAsync(TimeSpan.FromSeconds(30)));

        // Released inline (no RunContinuationsAsynchronously): each caller runs
        // up to its first real await, i.e. until it waits on the token.
        var go = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, callers).Select(async _ =>
        {
            await go.Task;
            if (Interlocked.Increment(ref entered) == callers)
            {
                allEntered.TrySetResult();
            }

            using var response = await rig.CallAsync();
            return response.StatusCode;
        }).ToArray();

        var postsInLogBefore = fx.Server.CountLogLines(TokenPostLine);
        var callsInLogBefore = fx.Server.CountLogLines(CallLine);
        go.SetResult();
        var statuses = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(120));

        output.WriteLine($"{callers} callers: {statuses.Count(s => s == HttpStatusCode.OK)} x 200; on the wire {rig.Counter.TokenPosts} token POST(s), {rig.Counter.Requests - rig.Counter.TokenPosts} GETs");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, rig.Counter.TokenPosts);
        Assert.Equal(0, rig.Counter.Unauthorized);
        Assert.Equal(callers + 1, rig.Counter.Requests);
        Assert.Equal(callsInLogBefore + callers, await fx.Server.CountLogLinesAsync(CallLine, callsInLogBefore + callers));
        Assert.Equal(postsInLogBefore + 1, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLogBefore + 1));
    }

    [Fact]
    public async Task Keys_replaced_under_load_100_callers_0_failures_exactly_1_extra_POST()
    {
        const int callers = 100;
        const int rotateAfterCalls = 300;
        const int callsAfterRotation = 400;

        var postsInLogBefore = fx.Server.CountLogLines(TokenPostLine);
        using var rig = new Rig(fx.Alice());
        var oldToken = (await rig.WarmUpAsync()).Token;
        var before = rig.Counter.Take();

        var failures = new ConcurrentQueue<string>();
        var completed = 0;
        var stop = false;
        var rotationDone = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? rotation = null;
        using var hardStop = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        async Task RotateAsync()
        {
            try
            {
                await fx.Server.InvalidateAllKeysAsync();
                rotationDone.TrySetResult(Volatile.Read(ref completed));
            }
            catch (Exception ex)
            {
                rotationDone.TrySetException(ex);
            }
        }

        async Task CallerAsync()
        {
            while (!Volatile.Read(ref stop) && !hardStop.IsCancellationRequested)
            {
                try
                {
                    using var response = await rig.CallAsync(hardStop.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"status {(int)response.StatusCode}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                }

                var done = Interlocked.Increment(ref completed);
                if (done == rotateAfterCalls)
                {
                    rotation = Task.Run(RotateAsync);
                }

                if (rotationDone.Task.IsCompletedSuccessfully && done >= rotationDone.Task.Result + callsAfterRotation)
                {
                    Volatile.Write(ref stop, true);
                }
            }
        }

        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync)).ToArray();
        await Task.WhenAll(workers);
        Assert.False(hardStop.IsCancellationRequested, $"the load did not finish within 120 s ({completed} calls done)");
        Assert.NotNull(rotation);
        await rotation;
        var rotatedAt = await rotationDone.Task;

        var events = rig.Counter.EventsSince(before);
        var gets = events.Where(e => e.Method == "GET").ToList();
        var rejected = gets.Where(e => e.Status == 401).ToList();
        var tokensUsed = gets.Select(e => e.TokenHash).Distinct().ToList();

        output.WriteLine($"{callers} callers, {completed} calls ({completed - rotatedAt} after the keys were replaced at call {rotatedAt}), "
            + $"{failures.Count} failed; on the wire: {rig.Counter.TokenPosts} token POSTs, {gets.Count} GETs, {rejected.Count} x 401 (all with the old token), {tokensUsed.Count} distinct tokens");
        Assert.True(failures.IsEmpty, $"{failures.Count} failed calls, e.g. {string.Join(" | ", failures.Take(5))}");
        Assert.True(completed >= rotatedAt + callsAfterRotation, $"only {completed - rotatedAt} calls after the rotation");
        Assert.Equal(2, rig.Counter.TokenPosts); // the first one, and exactly one more
        Assert.NotEmpty(rejected);                // the rotation really hit callers
        Assert.Equal(completed + rejected.Count, gets.Count); // each 401 resent once, never more
        Assert.All(rejected, e => Assert.Equal(rejected[0].TokenHash, e.TokenHash)); // only the old token was rejected
        Assert.Equal(2, tokensUsed.Count);
        Assert.NotEqual(oldToken, (await rig.Session.GetAccessAsync()).Token);
        Assert.Equal(postsInLogBefore + 2, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLogBefore + 2));
    }
}
