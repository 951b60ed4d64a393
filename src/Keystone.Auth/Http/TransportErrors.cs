using System.Net.Sockets;
using System.Security.Authentication;

namespace Keystone.Auth.Http;

/// <summary>
/// Turns transport failures into the typed errors of
/// <see cref="KeystoneConnectionException"/> and <see cref="KeystoneTimeoutException"/>.
/// The caller's own cancellation is never re-labelled: it stays an
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal static class TransportErrors
{
    /// <summary>
    /// Maps a transport exception to a typed one, or returns null to let it
    /// propagate unchanged (caller cancellation, or already typed).
    /// </summary>
    public static Exception? Classify(Exception ex, Uri? uri, CancellationTokenSource? timeoutCts, TimeSpan? timeout, CancellationToken callerToken)
    {
        switch (ex)
        {
            case KeystoneException:
                return null;
            case OperationCanceledException oce when callerToken.IsCancellationRequested:
                // Keep it a cancellation, but carry the caller's own token (not
                // our linked one) so `ex.CancellationToken == ct` checks work.
                return oce.CancellationToken == callerToken ? null : new OperationCanceledException(oce.Message, oce, callerToken);
            case OperationCanceledException when timeoutCts is { IsCancellationRequested: true }:
                return new KeystoneTimeoutException(uri, timeout, ex);
            case OperationCanceledException { InnerException: TimeoutException te }:
                // HttpClient.Timeout wraps the cancellation it caused; the
                // handler's ConnectTimeout does not (its TimeoutException has no
                // cancellation inside). That is the only stable difference.
                return te.InnerException is OperationCanceledException
                    ? new KeystoneTimeoutException(uri, null, ex)
                    : new ConnectTimeoutException(uri, ex);
            case OperationCanceledException:
                return new KeystoneTimeoutException(uri, null, ex);
            case HttpRequestException hre when IsTls(hre):
                return new TlsFailureException(uri, ex);
            case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError }:
                return new ConnectFailureException(uri, ex);
            case HttpRequestException hre when hre.InnerException is SocketException:
                return new ConnectFailureException(uri, ex);
            case HttpRequestException:
            case IOException:
                return new KeystoneConnectionException("The connection failed before a complete answer arrived", uri, ex);
            default:
                return null;
        }
    }

    private static bool IsTls(HttpRequestException ex) =>
        ex.HttpRequestError == HttpRequestError.SecureConnectionError || ex.InnerException is AuthenticationException;
}
