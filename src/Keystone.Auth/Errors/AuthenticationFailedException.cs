using System.Net;

namespace Keystone.Auth;

/// <summary>
/// Keystone refused the credentials (401 on <c>POST /v3/auth/tokens</c>): wrong
/// password, unknown user, disabled or locked account, or no role on the scope;
/// for <see cref="TokenAuth"/> and <see cref="ApplicationCredentialAuth"/> also 404,
/// Keystone's answer when the token is dead or the credential deleted.
/// The exception never includes the password.
/// </summary>
public class AuthenticationFailedException : KeystoneHttpException
{
    /// <summary>Creates the exception. <paramref name="requestUri"/> is kept and shown without its userinfo.</summary>
    public AuthenticationFailedException(
        HttpStatusCode statusCode,
        HttpMethod method,
        Uri? requestUri,
        string? title = null,
        string? serverMessage = null,
        string? requestId = null)
        : base(statusCode, method, requestUri, title, serverMessage, requestId)
    {
    }
}
