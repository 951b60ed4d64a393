using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Diagnostics;

/// <summary>
/// The cache's instruments, on a <see cref="Meter"/> named
/// <see cref="KeystoneDiagnostics.MeterName"/> like the core's, so one listener
/// (subscribed by name) sees the whole library. The package uses only that
/// public name: it needs none of the core's internals. Tags are fixed words;
/// never a key, token, user or URL.
/// </summary>
/// <remarks>
/// One set per cache. A cache resolved from DI takes its meter from the
/// container's <see cref="IMeterFactory"/> (as Microsoft.Extensions.Http
/// does), so two containers in one process (tests, several hosts) never mix
/// their counts and the factory disposes the meter with the container. A cache
/// built by hand without a factory shares <see cref="Shared"/>, on a static meter.
/// </remarks>
internal sealed class CacheTelemetry
{
    private static readonly string? Version = typeof(CacheTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly CacheTelemetry Shared = new(new Meter(KeystoneDiagnostics.MeterName, Version));

    private CacheTelemetry(Meter meter)
    {
        Hits = meter.CreateCounter<long>("keystone.auth.cache.hits", "{lookup}", "Token lookups answered from the cache.");
        Misses = meter.CreateCounter<long>("keystone.auth.cache.misses", "{lookup}", "Token lookups that had to wait for a token request (their own or a shared one).");
        Invalidations = meter.CreateCounter<long>("keystone.auth.cache.invalidations", "{token}", "Rejected tokens reported to the cache, by result (removed, or already replaced).");
        BackgroundRenewals = meter.CreateCounter<long>("keystone.auth.cache.background_renewals", "{request}", "Token renewals made ahead of expiry in the background (RefreshInBackground), by result (succeeded, failed).");
        StoreFallbacks = meter.CreateCounter<long>("keystone.auth.cache.store.fallbacks", "{event}", "Times the shared token tier could not help and the cache asked Keystone (or skipped sharing), by reason: a store fault or timeout per operation, an unreadable entry, a wait that ran out, a rejected token still stored.");
        RemoteInvalidations = meter.CreateCounter<long>("keystone.auth.cache.store.remote_invalidations", "{event}", "Rejected tokens other processes reported through the shared tier, by result here (removed, already_replaced, not_held).");
        Evictions = meter.CreateCounter<long>("keystone.auth.cache.evictions", "{entry}", "Entries evicted to stay within MaxEntries, by reason.");
    }

    public static CacheTelemetry For(IMeterFactory? meterFactory) =>
        meterFactory is null ? Shared : new(meterFactory.Create(new MeterOptions(KeystoneDiagnostics.MeterName) { Version = Version }));

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> Invalidations { get; }

    public Counter<long> BackgroundRenewals { get; }

    public Counter<long> StoreFallbacks { get; }

    public Counter<long> RemoteInvalidations { get; }

    public Counter<long> Evictions { get; }
}
