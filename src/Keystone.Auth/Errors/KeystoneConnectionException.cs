namespace Keystone.Auth;

/// <summary>
/// The request never got an HTTP answer: connection refused or reset, DNS
/// failure, TLS failure or connect timeout. Derived types say which; this type
/// itself means a transport failure of another kind.
/// </summary>
public class KeystoneConnectionException : KeystoneException
{
    /// <summary>Creates the exception.</summary>
    public KeystoneConnectionException(string message, Uri? requestUri, Exception? innerException)
        : base(requestUri is null ? message : $"{message}: {requestUri}", innerException)
    {
        RequestUri = requestUri;
    }

    /// <summary>The URL that could not be reached.</summary>
    public Uri? RequestUri { get; }
}
