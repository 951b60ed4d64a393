using Keystone.Auth.Diagnostics;

namespace Keystone.Auth;

/// <summary>
/// The request never got an HTTP answer: connection refused or reset, DNS
/// failure, TLS failure or connect timeout. Derived types say which; this type
/// itself means a transport failure of another kind.
/// </summary>
public class KeystoneConnectionException : KeystoneException
{
    /// <summary>Creates the exception. <paramref name="requestUri"/> is kept and shown without its userinfo.</summary>
    public KeystoneConnectionException(string message, Uri? requestUri, Exception? innerException)
        : base(Redaction.Url(requestUri) is { } shown ? $"{message}: {shown}" : message, innerException)
    {
        RequestUri = Redaction.Url(requestUri);
    }

    /// <summary>The URL that could not be reached, without userinfo.</summary>
    public Uri? RequestUri { get; }
}
