using Keystone.Auth.Diagnostics;

namespace Keystone.Auth;

/// <summary>
/// The request as a whole (connect, send, wait for and read the answer) took
/// longer than its timeout. Not raised when the caller's own
/// <see cref="CancellationToken"/> was cancelled: that surfaces as
/// <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class KeystoneTimeoutException : KeystoneException
{
    /// <summary>Creates the exception. <paramref name="requestUri"/> is kept and shown without its userinfo.</summary>
    public KeystoneTimeoutException(Uri? requestUri, TimeSpan? timeout, Exception? innerException)
        : base(timeout is { } t
            ? $"The request to {Redaction.Url(requestUri)} did not complete within {t.TotalSeconds:0.###} s"
            : $"The request to {Redaction.Url(requestUri)} timed out", innerException)
    {
        RequestUri = Redaction.Url(requestUri);
        Timeout = timeout;
    }

    /// <summary>The URL that timed out, without userinfo.</summary>
    public Uri? RequestUri { get; }

    /// <summary>The timeout that expired, when known.</summary>
    public TimeSpan? Timeout { get; }
}
