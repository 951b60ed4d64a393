namespace Keystone.Auth;

/// <summary>
/// Keystone answered, but not with something usable: no <c>X-Subject-Token</c>
/// header, a body that is not JSON or has no <c>token</c>, an
/// <c>expires_at</c> that is missing, unparseable or already past, or a body
/// larger than allowed. Nothing from such a response is cached.
/// </summary>
public sealed class InvalidResponseException : KeystoneException
{
    /// <summary>Creates the exception.</summary>
    public InvalidResponseException(string message, Uri? requestUri = null, Exception? innerException = null)
        : base(requestUri is null ? message : $"{message} (from {requestUri})", innerException)
    {
        RequestUri = requestUri;
    }

    /// <summary>The URL whose response was unusable.</summary>
    public Uri? RequestUri { get; }
}
