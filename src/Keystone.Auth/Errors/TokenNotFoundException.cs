using System.Net;

namespace Keystone.Auth;

/// <summary>
/// Keystone does not know the token being validated (404 on
/// <c>GET /v3/auth/tokens</c>): it is revoked, expired, malformed, or signed
/// with fernet keys Keystone no longer holds. Raised by
/// <see cref="KeystoneIdentityClient.ValidateTokenAsync"/>; the message never
/// quotes the token.
/// </summary>
public sealed class TokenNotFoundException : KeystoneHttpException
{
    /// <summary>Creates the exception.</summary>
    public TokenNotFoundException(HttpMethod method, Uri? requestUri, string? title = null, string? serverMessage = null, string? requestId = null)
        : base(HttpStatusCode.NotFound, method, requestUri, title, serverMessage, requestId)
    {
    }
}
