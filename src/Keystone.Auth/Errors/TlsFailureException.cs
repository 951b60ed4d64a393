namespace Keystone.Auth;

/// <summary>The TLS handshake failed (untrusted or expired certificate, name mismatch, protocol).</summary>
public sealed class TlsFailureException : KeystoneConnectionException
{
    /// <summary>Creates the exception.</summary>
    public TlsFailureException(Uri? requestUri, Exception? innerException)
        : base("TLS handshake failed", requestUri, innerException)
    {
    }
}
