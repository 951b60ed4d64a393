using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Keystone.Auth.Diagnostics;

/// <summary>
/// The <see cref="Meter"/> and <see cref="ActivitySource"/> named
/// <c>Keystone.Auth</c>, and the instruments of this package. Tags are
/// low-cardinality words (outcome, reason, status); they never carry a token,
/// a password, a user name or a URL with credentials.
/// </summary>
internal static class KeystoneTelemetry
{
    public const string Name = KeystoneDiagnostics.MeterName;

    public static readonly ActivitySource ActivitySource = new(KeystoneDiagnostics.ActivitySourceName, typeof(KeystoneTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(KeystoneTelemetry).Assembly.GetName().Version?.ToString());

    // The token request and send instruments are per container: see TokenMetrics.

    public static class Outcomes
    {
        public const string Success = "success";
        public const string AuthenticationFailed = "authentication_failed";
        public const string HttpError = "http_error";
        public const string InvalidResponse = "invalid_response";
        public const string ConnectionError = "connection_error";
        public const string Timeout = "timeout";
        public const string Canceled = "canceled";
    }

    public static string OutcomeOf(Exception ex) => ex switch
    {
        AuthenticationFailedException => Outcomes.AuthenticationFailed,
        KeystoneHttpException => Outcomes.HttpError,
        InvalidResponseException => Outcomes.InvalidResponse,
        KeystoneConnectionException => Outcomes.ConnectionError,
        KeystoneTimeoutException => Outcomes.Timeout,
        OperationCanceledException => Outcomes.Canceled,
        _ => Outcomes.InvalidResponse,
    };
}
