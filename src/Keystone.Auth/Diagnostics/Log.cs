using System.Net;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Diagnostics;

/// <summary>
/// Every log line of this package, as source-generated <see cref="LoggerMessage"/>
/// methods. Tokens appear only as <see cref="Redaction.Fingerprint"/>; passwords
/// and request bodies never; URLs only without userinfo.
/// </summary>
/// <remarks>
/// A method that logs a URL is a thin wrapper taking the <see cref="Uri"/> (so
/// callers cannot forget) around a private generated partial that takes the
/// redacted text. The wrapper checks the level first: redacting costs a string.
/// </remarks>
internal static partial class Log
{
    public static void TokenRequesting(ILogger logger, Uri tokenUrl, string identity)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            TokenRequestingCore(logger, Redaction.UrlText(tokenUrl), identity);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Requesting a token from {TokenUrl} for {Identity}", EventName = nameof(TokenRequesting))]
    private static partial void TokenRequestingCore(ILogger logger, string? tokenUrl, string identity);

    [LoggerMessage(2, LogLevel.Debug, "Keystone issued token {TokenFingerprint} for {Identity}, expiring at {ExpiresAt:O}, in {ElapsedMs:0.0} ms")]
    public static partial void TokenIssued(ILogger logger, string tokenFingerprint, string identity, DateTimeOffset expiresAt, double elapsedMs);

    public static void TokenRequestFailed(ILogger logger, Uri tokenUrl, string identity, string outcome, double elapsedMs, Exception exception)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            TokenRequestFailedCore(logger, Redaction.UrlText(tokenUrl), identity, outcome, elapsedMs, exception);
        }
    }

    [LoggerMessage(3, LogLevel.Warning, "Token request to {TokenUrl} for {Identity} failed ({Outcome}) after {ElapsedMs:0.0} ms", EventName = nameof(TokenRequestFailed))]
    private static partial void TokenRequestFailedCore(ILogger logger, string? tokenUrl, string identity, string outcome, double elapsedMs, Exception exception);

    public static void TokenRejected(ILogger logger, HttpMethod method, Uri? requestUri, int statusCode, string tokenFingerprint)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            TokenRejectedCore(logger, method, Redaction.UrlText(requestUri), statusCode, tokenFingerprint);
        }
    }

    [LoggerMessage(4, LogLevel.Information, "{Method} {RequestUri} answered {StatusCode} with token {TokenFingerprint}; invalidating it and resending once with a new token", EventName = nameof(TokenRejected))]
    private static partial void TokenRejectedCore(ILogger logger, HttpMethod method, string? requestUri, int statusCode, string tokenFingerprint);

    public static void ReauthNotPossible(ILogger logger, HttpMethod method, Uri? requestUri, int statusCode, string reason)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            ReauthNotPossibleCore(logger, method, Redaction.UrlText(requestUri), statusCode, reason);
        }
    }

    [LoggerMessage(5, LogLevel.Warning, "{Method} {RequestUri} answered {StatusCode} but the request cannot be resent: {Reason}", EventName = nameof(ReauthNotPossible))]
    private static partial void ReauthNotPossibleCore(ILogger logger, HttpMethod method, string? requestUri, int statusCode, string reason);

    public static void RejectedAfterReauth(ILogger logger, HttpMethod method, Uri? requestUri, int statusCode, string tokenFingerprint)
    {
        if (logger.IsEnabled(LogLevel.Warning))
        {
            RejectedAfterReauthCore(logger, method, Redaction.UrlText(requestUri), statusCode, tokenFingerprint);
        }
    }

    [LoggerMessage(6, LogLevel.Warning, "{Method} {RequestUri} answered {StatusCode} again with the new token {TokenFingerprint}; not retrying further", EventName = nameof(RejectedAfterReauth))]
    private static partial void RejectedAfterReauthCore(ILogger logger, HttpMethod method, string? requestUri, int statusCode, string tokenFingerprint);

    public static void TransientRetry(ILogger logger, HttpMethod method, Uri? requestUri, double delayMs, int attempt, string reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            TransientRetryCore(logger, method, Redaction.UrlText(requestUri), delayMs, attempt, reason);
        }
    }

    [LoggerMessage(7, LogLevel.Information, "Retrying {Method} {RequestUri} in {DelayMs:0} ms (attempt {Attempt}): {Reason}", EventName = nameof(TransientRetry))]
    private static partial void TransientRetryCore(ILogger logger, HttpMethod method, string? requestUri, double delayMs, int attempt, string reason);

    public static void RequestCompleted(ILogger logger, HttpMethod method, Uri? requestUri, HttpStatusCode statusCode, double elapsedMs)
    {
        if (logger.IsEnabled(LogLevel.Trace))
        {
            RequestCompletedCore(logger, method, Redaction.UrlText(requestUri), statusCode, elapsedMs);
        }
    }

    [LoggerMessage(8, LogLevel.Trace, "{Method} {RequestUri} -> {StatusCode} in {ElapsedMs:0.0} ms", EventName = nameof(RequestCompleted))]
    private static partial void RequestCompletedCore(ILogger logger, HttpMethod method, string? requestUri, HttpStatusCode statusCode, double elapsedMs);

    [LoggerMessage(9, LogLevel.Warning, "TLS certificate validation is DISABLED for Keystone connections (Insecure = true); use only against test servers")]
    public static partial void InsecureTransport(ILogger logger);

    [LoggerMessage(20, LogLevel.Information, "Loaded {Count} CA certificate(s) from {Path}")]
    public static partial void CaBundleLoaded(ILogger logger, string path, int count);

    [LoggerMessage(21, LogLevel.Warning, "Could not read the CA bundle {Path}; keeping the previous one if any")]
    public static partial void CaBundleLoadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(22, LogLevel.Warning, "Rejected server certificate {Subject}: {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string subject, string reason);

    [LoggerMessage(30, LogLevel.Warning, "{Method} {RequestUri} was redirected to {Origin} by the HttpClient's own handler (AllowAutoRedirect): token {TokenFingerprint} went there and is dropped; give the client a handler with AllowAutoRedirect = false")]
    public static partial void RedirectFollowedBelow(ILogger logger, HttpMethod method, string requestUri, string origin, string tokenFingerprint);

    [LoggerMessage(31, LogLevel.Warning, "{Method} {RequestUri} answered {StatusCode} redirecting to another origin {Origin}; not followed (FollowCrossOriginRedirects is off)")]
    public static partial void CrossOriginRedirectRefused(ILogger logger, HttpMethod method, string requestUri, int statusCode, string origin);

    [LoggerMessage(32, LogLevel.Debug, "{Method} {RequestUri} answered {StatusCode}; following to {Location} as {NextMethod} (token sent: {WithToken})")]
    public static partial void FollowingRedirect(ILogger logger, HttpMethod method, string requestUri, int statusCode, string location, HttpMethod nextMethod, bool withToken);

    [LoggerMessage(33, LogLevel.Warning, "{Method} {RequestUri} answered {StatusCode} after a redirect to another origin; not re-authenticating for that origin")]
    public static partial void ForeignRejection(ILogger logger, HttpMethod method, string requestUri, int statusCode);

    [LoggerMessage(34, LogLevel.Warning, "{Method} {RequestUri} answered {StatusCode} to {Location}, which needs the body sent again, but the body cannot be sent twice; returning the redirect")]
    public static partial void RedirectNotReplayable(ILogger logger, HttpMethod method, string requestUri, int statusCode, string location);
}
