using System.Diagnostics.Metrics;

namespace Keystone.Auth.Caching.Redis.Diagnostics;

/// <summary>
/// The shared tier's instruments, on a meter named
/// <see cref="KeystoneDiagnostics.MeterName"/> like the rest of the library, so
/// one listener (subscribed by name) sees them all. Tags are fixed words; never a key, entry name, token or address.
/// </summary>
internal static class StoreTelemetry
{
    private static readonly Meter Meter = new(KeystoneDiagnostics.MeterName, typeof(StoreTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Hits =
        Meter.CreateCounter<long>("keystone.auth.store.hits", "{lookup}", "Shared-tier reads that found a usable token.");

    public static readonly Counter<long> Misses =
        Meter.CreateCounter<long>("keystone.auth.store.misses", "{lookup}", "Shared-tier reads with no usable token (absent, ignored, or store unavailable).");

    public static readonly Counter<long> Errors =
        Meter.CreateCounter<long>("keystone.auth.store.errors", "{call}", "Shared-tier calls that failed or timed out, by operation; the caller got a miss.");

    public static readonly Counter<long> Bypassed =
        Meter.CreateCounter<long>("keystone.auth.store.bypassed", "{call}", "Shared-tier calls not sent because the circuit breaker is open, by operation.");

    public static readonly Counter<long> IgnoredEntries =
        Meter.CreateCounter<long>("keystone.auth.store.ignored_entries", "{entry}", "Shared entries not served, by reason (truncated, version, authentication).");

    public static readonly Counter<long> LeaseWaits =
        Meter.CreateCounter<long>("keystone.auth.store.lease_waits", "{wait}", "Waits for another process's token, by outcome (stored, timeout, unavailable).");

    public static readonly Counter<long> Invalidations =
        Meter.CreateCounter<long>("keystone.auth.store.invalidations", "{message}", "Broadcast invalidations, by direction (sent, received).");

    public static readonly Counter<long> BreakerTransitions =
        Meter.CreateCounter<long>("keystone.auth.store.breaker.transitions", "{transition}", "Circuit breaker changes, by state entered (open, closed).");

    public static readonly UpDownCounter<long> BreakersOpen =
        Meter.CreateUpDownCounter<long>("keystone.auth.store.breaker.open", "{breaker}", "Shared-tier circuit breakers open now (1 per unreachable store).");

    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
