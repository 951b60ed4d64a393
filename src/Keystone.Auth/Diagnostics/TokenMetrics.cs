using System.Diagnostics.Metrics;

namespace Keystone.Auth.Diagnostics;

/// <summary>
/// The instruments of token requests and of the authenticated send (re-auth and
/// transient retries). A plugin, session or handler made through DI
/// (<c>AddKeystoneAuth</c>, <c>AddKeystoneAuthHandler</c>) records on a meter from
/// the container's <see cref="IMeterFactory"/>, as Microsoft.Extensions.Http does,
/// so two containers never mix counts; one built by hand records on
/// <see cref="Shared"/>, the static <see cref="KeystoneTelemetry.Meter"/>.
/// </summary>
internal sealed class TokenMetrics
{
    public static readonly TokenMetrics Shared = new(KeystoneTelemetry.Meter);

    private TokenMetrics(Meter meter)
    {
        TokenRequests = meter.CreateCounter<long>("keystone.auth.token.requests", "{request}", "Token requests sent to Keystone, by outcome.");
        TokenRequestDuration = meter.CreateHistogram<double>("keystone.auth.token.request.duration", "s", "Duration of token requests to Keystone.");
        ReauthRetries = meter.CreateCounter<long>("keystone.auth.reauth.retries", "{request}", "Requests resent with a new token after the old one was rejected.");
        TransientRetries = meter.CreateCounter<long>("keystone.auth.transient.retries", "{request}", "Requests retried after a connection failure or a retriable status.");
    }

    /// <summary>Requests resent with a fresh token after the token was rejected, tagged with <c>status</c>.</summary>
    public Counter<long> ReauthRetries { get; }

    /// <summary>Transient retries (connect failures, retriable statuses), tagged with <c>reason</c>.</summary>
    public Counter<long> TransientRetries { get; }

    /// <summary>Token requests (POST /v3/auth/tokens), tagged with <c>outcome</c>.</summary>
    public Counter<long> TokenRequests { get; }

    /// <summary>How long token requests took, tagged with <c>outcome</c>.</summary>
    public Histogram<double> TokenRequestDuration { get; }

    public static TokenMetrics For(IMeterFactory? meterFactory) =>
        meterFactory is null
            ? Shared
            : new(meterFactory.Create(new MeterOptions(KeystoneDiagnostics.MeterName) { Version = KeystoneTelemetry.Meter.Version }));
}
