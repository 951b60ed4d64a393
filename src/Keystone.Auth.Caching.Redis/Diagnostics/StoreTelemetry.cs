using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Redis.Diagnostics;

/// <summary>
/// The shared tier's instruments, on a meter named
/// <see cref="KeystoneDiagnostics.MeterName"/> like the rest of the library, so
/// one listener (subscribed by name) sees them all. Tags are fixed words; never a key, entry name, token or address.
/// </summary>
/// <remarks>
/// One set per store. A store registered in DI takes its meter from the
/// container's <see cref="IMeterFactory"/>, so two containers never mix their
/// counts; a store connected by hand shares <see cref="Shared"/>, on a static meter.
/// </remarks>
internal sealed class StoreTelemetry
{
    private static readonly string? Version = typeof(StoreTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly StoreTelemetry Shared = new(new Meter(KeystoneDiagnostics.MeterName, Version));

    private StoreTelemetry(Meter meter)
    {
        Hits = meter.CreateCounter<long>("keystone.auth.store.hits", "{lookup}", "Shared-tier reads that found a usable token.");
        Misses = meter.CreateCounter<long>("keystone.auth.store.misses", "{lookup}", "Shared-tier reads with no usable token (absent, ignored, or store unavailable).");
        Errors = meter.CreateCounter<long>("keystone.auth.store.errors", "{call}", "Shared-tier calls that failed or timed out, by operation; the caller got a miss.");
        Bypassed = meter.CreateCounter<long>("keystone.auth.store.bypassed", "{call}", "Shared-tier calls not sent because the circuit breaker is open, by operation.");
        IgnoredEntries = meter.CreateCounter<long>("keystone.auth.store.ignored_entries", "{entry}", "Shared entries not served, by reason (truncated, version, authentication).");
        LeaseWaits = meter.CreateCounter<long>("keystone.auth.store.lease_waits", "{wait}", "Waits for another process's token, by outcome (stored, timeout, unavailable).");
        Invalidations = meter.CreateCounter<long>("keystone.auth.store.invalidations", "{message}", "Broadcast invalidations, by direction (sent, received).");
        BreakerTransitions = meter.CreateCounter<long>("keystone.auth.store.breaker.transitions", "{transition}", "Circuit breaker changes, by state entered (open, closed).");
        BreakersOpen = meter.CreateUpDownCounter<long>("keystone.auth.store.breaker.open", "{breaker}", "Shared-tier circuit breakers open now (1 per unreachable store).");
    }

    public static StoreTelemetry For(IMeterFactory? meterFactory) =>
        meterFactory is null ? Shared : new(meterFactory.Create(new MeterOptions(KeystoneDiagnostics.MeterName) { Version = Version }));

    public Counter<long> Hits { get; }

    public Counter<long> Misses { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Bypassed { get; }

    public Counter<long> IgnoredEntries { get; }

    public Counter<long> LeaseWaits { get; }

    public Counter<long> Invalidations { get; }

    public Counter<long> BreakerTransitions { get; }

    public UpDownCounter<long> BreakersOpen { get; }

    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
