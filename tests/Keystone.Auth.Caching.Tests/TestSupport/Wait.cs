using System.Diagnostics;

namespace Keystone.Auth.Caching.Tests.TestSupport;

internal static class Wait
{
    /// <summary>
    /// Waits for a state the test drives towards (e.g. "all callers are queued on the
    /// fetch"). Returns false if it never arrives, so the caller can release its gates
    /// and let the real assertion fail rather than hang.
    /// </summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                return false;
            }

            await Task.Delay(1);
        }

        return true;
    }
}
