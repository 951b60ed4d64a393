namespace Keystone.Auth;

/// <summary>
/// The connection was not established within the connect timeout
/// (<c>SocketsHttpHandler.ConnectTimeout</c>). Distinct from
/// <see cref="KeystoneTimeoutException"/>, which is the overall request timeout.
/// </summary>
public sealed class ConnectTimeoutException : KeystoneConnectionException
{
    /// <summary>Creates the exception.</summary>
    public ConnectTimeoutException(Uri? requestUri, Exception? innerException)
        : base("Timed out while connecting", requestUri, innerException)
    {
    }
}
