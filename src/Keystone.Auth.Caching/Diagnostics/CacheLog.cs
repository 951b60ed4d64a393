using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Caching.Diagnostics;

/// <summary>Log lines of the cache. Keys appear as 8-hex prefixes of their HMAC; tokens as fingerprints.</summary>
internal static partial class CacheLog
{
    [LoggerMessage(101, LogLevel.Debug, "Cached token {TokenFingerprint} for key {KeyPrefix}; renewing after {RefreshAt:O}")]
    public static partial void Stored(ILogger logger, string tokenFingerprint, string keyPrefix, DateTimeOffset refreshAt);

    [LoggerMessage(102, LogLevel.Debug, "Invalidated token {TokenFingerprint} for key {KeyPrefix} ({Result})")]
    public static partial void Invalidated(ILogger logger, string tokenFingerprint, string keyPrefix, string result);

    [LoggerMessage(103, LogLevel.Information, "Evicted {Count} token cache entries ({Expired} expired or empty) to stay within {MaxEntries}")]
    public static partial void Evicted(ILogger logger, int count, int expired, int maxEntries);

    [LoggerMessage(104, LogLevel.Debug, "Token request for key {KeyPrefix} failed; nothing cached, {Waiters} waiting caller(s) get the error")]
    public static partial void FetchFailed(ILogger logger, string keyPrefix, int waiters);

    [LoggerMessage(105, LogLevel.Debug, "Token {TokenFingerprint} for key {KeyPrefix} is due for renewal; replacing it in the background while it stays in use")]
    public static partial void RefreshingAhead(ILogger logger, string tokenFingerprint, string keyPrefix);

    [LoggerMessage(106, LogLevel.Warning, "Background token renewal for key {KeyPrefix} failed ({ErrorType}); the current token stays in use until {UsableUntil:O}, then callers wait for a new one")]
    public static partial void BackgroundRefreshFailed(ILogger logger, string keyPrefix, string errorType, DateTimeOffset usableUntil);

    [LoggerMessage(107, LogLevel.Warning, "Token request for key {KeyPrefix} did not finish within the cache's FetchTimeout ({TimeoutSeconds} s); abandoned: its callers get a timeout and the next call starts a new request")]
    public static partial void FetchAbandoned(ILogger logger, string keyPrefix, double timeoutSeconds);

    [LoggerMessage(108, LogLevel.Debug, "Abandoned token request for key {KeyPrefix} ended late with token {TokenFingerprint}; discarded, not cached")]
    public static partial void LateResultDiscarded(ILogger logger, string tokenFingerprint, string keyPrefix);

    [LoggerMessage(109, LogLevel.Information, "Token request for key {KeyPrefix} failed to connect ({ErrorType}); callers that came through another plugin instance try once more through theirs")]
    public static partial void RetryingThroughOtherPlugin(ILogger logger, string keyPrefix, string errorType);

    [LoggerMessage(110, LogLevel.Warning, "Shared token tier: {Operation} for key {KeyPrefix} failed ({ErrorType}); asking Keystone directly instead")]
    public static partial void StoreFallback(ILogger logger, string operation, string keyPrefix, string errorType);

    [LoggerMessage(111, LogLevel.Debug, "Shared token tier: another process reported a rejected token ({Result} here)")]
    public static partial void RemoteInvalidation(ILogger logger, string result);
}
