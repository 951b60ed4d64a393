namespace Keystone.Auth;

/// <summary>
/// The names under which the library reports telemetry, for wiring up a
/// listener (e.g. OpenTelemetry's <c>AddMeter</c>/<c>AddSource</c>) and for
/// packages that extend the library with instruments of their own.
/// </summary>
public static class KeystoneDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every package of the library reports on.</summary>
    public const string MeterName = "Keystone.Auth";

    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> of token requests and retries.</summary>
    public const string ActivitySourceName = "Keystone.Auth";
}
