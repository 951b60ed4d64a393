using System.Collections.Concurrent;
using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Many callers on one session; after <c>rotateAfterCalls</c> calls every
/// fernet key is replaced (no restart) while they keep calling, and the load
/// stops <c>callsAfterRotation</c> calls after the replacement has finished.
/// The rotation is triggered by the load itself, never by a timer, so it
/// always lands in the middle of traffic.
/// </summary>
internal static class RotationLoad
{
    public static async Task<Result> RunAsync(KeystoneServer server, Func<CancellationToken, Task<HttpResponseMessage>> call, int callers, int rotateAfterCalls, int callsAfterRotation)
    {
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
                await server.InvalidateAllKeysAsync();
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
                    using var response = await call(hardStop.Token);
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

                // A failed rotation stops the load too (and fails below).
                if (rotationDone.Task.IsFaulted
                    || (rotationDone.Task.IsCompletedSuccessfully && done >= rotationDone.Task.Result + callsAfterRotation))
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
        return new Result(completed, await rotationDone.Task, [.. failures]);
    }

    /// <summary>Calls made, the call count when the keys had been replaced, and each failed call.</summary>
    public sealed record Result(int Completed, int RotatedAt, IReadOnlyList<string> Failures);
}
