using Keystone.Auth.Diagnostics;

namespace Keystone.Auth;

/// <summary>
/// Keystone answered, but not with something usable: no <c>X-Subject-Token</c>
/// header, a token that is not a valid header value, a body that is not JSON or
/// has no <c>token</c>, an <c>expires_at</c> that is missing, unparseable,
/// unrepresentable or already past, or a body larger than allowed. Also raised
/// for exported token state (<see cref="AccessInfo.Import"/>) that is truncated,
/// corrupt or of an unknown version. Nothing from such an answer is cached.
/// </summary>
public sealed class InvalidResponseException : KeystoneException
{
    /// <summary>Creates the exception. <paramref name="requestUri"/> is kept and shown without its userinfo.</summary>
    public InvalidResponseException(string message, Uri? requestUri = null, Exception? innerException = null)
        : base(Redaction.Url(requestUri) is { } shown ? $"{message} (from {shown})" : message, innerException)
    {
        RequestUri = Redaction.Url(requestUri);
    }

    /// <summary>The URL whose response was unusable, without userinfo.</summary>
    public Uri? RequestUri { get; }
}
