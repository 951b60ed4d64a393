using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Caching.Redis.Diagnostics;

/// <summary>
/// Log lines of the shared tier. Endpoints are host:port only; errors are an
/// exception type and a message with the configured password removed; entry
/// names are opaque fingerprints.
/// </summary>
internal static partial class StoreLog
{
    [LoggerMessage(201, LogLevel.Information, "Shared token store connected to {Endpoints}")]
    public static partial void Connected(ILogger logger, string endpoints);

    [LoggerMessage(202, LogLevel.Warning, "Shared token store could not connect to {Endpoints} at start ({Error}); calls use the in-process cache only, and it keeps reconnecting in the background")]
    public static partial void NotConnectedAtStart(ILogger logger, string endpoints, string error);

    [LoggerMessage(203, LogLevel.Warning, "Shared token store unavailable ({Error}); circuit breaker open: not called for {OpenSeconds} s, then probed again")]
    public static partial void BreakerOpened(ILogger logger, string error, double openSeconds);

    [LoggerMessage(204, LogLevel.Information, "Shared token store reachable again; circuit breaker closed, sharing resumed")]
    public static partial void BreakerClosed(ILogger logger);

    [LoggerMessage(205, LogLevel.Warning, "Ignored shared token entry {EntryName} ({Reason}): damaged, of another format version, or sealed with another key")]
    public static partial void IgnoredEntry(ILogger logger, string entryName, string reason);

    [LoggerMessage(206, LogLevel.Debug, "Shared token store {Operation} failed ({Error}); the caller gets a miss")]
    public static partial void OperationFailed(ILogger logger, string operation, string error);

    [LoggerMessage(207, LogLevel.Debug, "Ignored a malformed message on {Channel}")]
    public static partial void BadMessage(ILogger logger, string channel);

    [LoggerMessage(208, LogLevel.Warning, "Shared token store could not subscribe to {Channel} ({Error}); it retries when the connection comes back")]
    public static partial void SubscribeFailed(ILogger logger, string channel, string error);
}
