using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Diagnostics;

/// <summary>
/// The cache's instruments, on a <see cref="Meter"/> named
/// <see cref="KeystoneDiagnostics.MeterName"/> like the core's, so one listener
/// (subscribed by name) sees the whole library. The package uses only that
/// public name: it needs none of the core's internals. Tags are fixed words;
/// never a key, token, user or URL.
/// </summary>
internal static class CacheTelemetry
{
    private static readonly Meter Meter = new(KeystoneDiagnostics.MeterName, typeof(CacheTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Hits =
        Meter.CreateCounter<long>("keystone.auth.cache.hits", "{lookup}", "Token lookups answered from the cache.");

    public static readonly Counter<long> Misses =
        Meter.CreateCounter<long>("keystone.auth.cache.misses", "{lookup}", "Token lookups that had to wait for a token request (their own or a shared one).");

    public static readonly Counter<long> Invalidations =
        Meter.CreateCounter<long>("keystone.auth.cache.invalidations", "{token}", "Rejected tokens reported to the cache, by result (removed, or already replaced).");

    public static readonly Counter<long> BackgroundRenewals =
        Meter.CreateCounter<long>("keystone.auth.cache.background_renewals", "{request}", "Token renewals made ahead of expiry in the background (RefreshInBackground), by result (succeeded, failed).");

    public static readonly Counter<long> StoreFallbacks =
        Meter.CreateCounter<long>("keystone.auth.cache.store.fallbacks", "{event}", "Times the shared token tier could not help and the cache asked Keystone (or skipped sharing), by reason: a store fault or timeout per operation, an unreadable entry, a wait that ran out, a rejected token still stored.");

    public static readonly Counter<long> RemoteInvalidations =
        Meter.CreateCounter<long>("keystone.auth.cache.store.remote_invalidations", "{event}", "Rejected tokens other processes reported through the shared tier, by result here (removed, already_replaced, not_held).");

    public static readonly Counter<long> Evictions =
        Meter.CreateCounter<long>("keystone.auth.cache.evictions", "{entry}", "Entries evicted to stay within MaxEntries, by reason.");
}
