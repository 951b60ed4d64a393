namespace Keystone.Auth;

/// <summary>The connection could not be made: refused, reset, unreachable host or DNS failure.</summary>
public sealed class ConnectFailureException : KeystoneConnectionException
{
    /// <summary>Creates the exception.</summary>
    public ConnectFailureException(Uri? requestUri, Exception? innerException)
        : base("Could not connect", requestUri, innerException)
    {
    }
}
