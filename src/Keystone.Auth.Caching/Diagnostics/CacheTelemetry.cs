using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Diagnostics;

/// <summary>
/// The cache's instruments, on the library's one <c>Keystone.Auth</c>
/// <see cref="Meter"/> (<see cref="Keystone.Auth.Diagnostics.KeystoneTelemetry"/>),
/// so one listener sees the whole library. Tags are fixed words; never a key,
/// token, user or URL.
/// </summary>
internal static class CacheTelemetry
{
    private static Meter Meter => Keystone.Auth.Diagnostics.KeystoneTelemetry.Meter;

    public static readonly Counter<long> Hits =
        Meter.CreateCounter<long>("keystone.auth.cache.hits", "{lookup}", "Token lookups answered from the cache.");

    public static readonly Counter<long> Misses =
        Meter.CreateCounter<long>("keystone.auth.cache.misses", "{lookup}", "Token lookups that had to wait for a token request (their own or a shared one).");

    public static readonly Counter<long> Invalidations =
        Meter.CreateCounter<long>("keystone.auth.cache.invalidations", "{token}", "Rejected tokens reported to the cache, by result (removed, or already replaced).");

    public static readonly Counter<long> BackgroundRenewals =
        Meter.CreateCounter<long>("keystone.auth.cache.background_renewals", "{request}", "Token renewals made ahead of expiry in the background (RefreshInBackground), by result (succeeded, failed).");

    public static readonly Counter<long> Evictions =
        Meter.CreateCounter<long>("keystone.auth.cache.evictions", "{entry}", "Entries evicted to stay within MaxEntries, by reason.");
}
