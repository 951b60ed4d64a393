using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Diagnostics;

/// <summary>
/// The cache's instruments, on a <see cref="Meter"/> also named
/// <c>Keystone.Auth</c> so one listener sees the whole library. Tags are fixed
/// words; never a key, token, user or URL.
/// </summary>
internal static class CacheTelemetry
{
    public static readonly Meter Meter = new("Keystone.Auth", typeof(CacheTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Hits =
        Meter.CreateCounter<long>("keystone.auth.cache.hits", "{lookup}", "Token lookups answered from the cache.");

    public static readonly Counter<long> Misses =
        Meter.CreateCounter<long>("keystone.auth.cache.misses", "{lookup}", "Token lookups that had to wait for a token request (their own or a shared one).");

    public static readonly Counter<long> Invalidations =
        Meter.CreateCounter<long>("keystone.auth.cache.invalidations", "{token}", "Rejected tokens reported to the cache, by result (removed, or already replaced).");

    public static readonly Counter<long> Evictions =
        Meter.CreateCounter<long>("keystone.auth.cache.evictions", "{entry}", "Entries evicted to stay within MaxEntries, by reason.");
}
