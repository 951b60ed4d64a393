namespace Keystone.Auth.Fleet;

/// <summary>What the fake servers saw, per simulated hour (virtual clock at arrival). Never read from the library.</summary>
internal sealed class FleetCounters(int hours)
{
    public readonly long[] TokenPosts = new long[hours + 1];
    public readonly long[] RefusedPosts = new long[hours + 1];
    public readonly long[] ApiCalls = new long[hours + 1];
    public readonly long[] ApiRejected = new long[hours + 1];
    public readonly long[] StaleAddressRequests = new long[hours + 1];

    public static void Add(long[] perHour, TimeSpan at) =>
        Interlocked.Increment(ref perHour[Math.Clamp((int)at.TotalHours, 0, perHour.Length - 1)]);
}
