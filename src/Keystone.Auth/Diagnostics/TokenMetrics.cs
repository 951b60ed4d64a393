using System.Diagnostics.Metrics;

namespace Keystone.Auth.Diagnostics;

/// <summary>
/// The token request instruments. A plugin made by the DI factory
/// (<c>AddKeystoneAuth</c>) records on a meter from the container's
/// <see cref="IMeterFactory"/>, as Microsoft.Extensions.Http does, so two
/// containers never mix counts; a plugin built by hand records on
/// <see cref="Shared"/>, the static <see cref="KeystoneTelemetry.Meter"/>.
/// </summary>
internal sealed class TokenMetrics
{
    public static readonly TokenMetrics Shared = new(KeystoneTelemetry.Meter);

    private TokenMetrics(Meter meter)
    {
        TokenRequests = meter.CreateCounter<long>("keystone.auth.token.requests", "{request}", "Token requests sent to Keystone, by outcome.");
        TokenRequestDuration = meter.CreateHistogram<double>("keystone.auth.token.request.duration", "s", "Duration of token requests to Keystone.");
    }

    /// <summary>Token requests (POST /v3/auth/tokens), tagged with <c>outcome</c>.</summary>
    public Counter<long> TokenRequests { get; }

    /// <summary>How long token requests took, tagged with <c>outcome</c>.</summary>
    public Histogram<double> TokenRequestDuration { get; }

    public static TokenMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null
            ? Shared
            : new(meterFactory.Create(new MeterOptions(KeystoneDiagnostics.MeterName) { Version = KeystoneTelemetry.Meter.Version }));
}
