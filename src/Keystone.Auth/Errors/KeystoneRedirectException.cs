using System.Net;

namespace Keystone.Auth;

/// <summary>
/// A service call was redirected somewhere the library will not send its token:
/// to another origin (scheme, host or port) while
/// <see cref="KeystoneSessionOptions.FollowCrossOriginRedirects"/> is off, more
/// than <see cref="KeystoneSessionOptions.MaxRedirects"/> times in a row, or by the
/// caller's own <see cref="HttpClient"/> handler below the library (its
/// <c>AllowAutoRedirect</c>), in which case the token that went there has
/// already been dropped from the cache.
/// </summary>
/// <remarks>URLs here never carry user information, and the message never carries a token.</remarks>
public sealed class KeystoneRedirectException : KeystoneException
{
    internal KeystoneRedirectException(string message, Uri? requestUri, Uri? targetOrigin, HttpStatusCode? statusCode)
        : base(message)
    {
        RequestUri = requestUri;
        TargetOrigin = targetOrigin;
        StatusCode = statusCode;
    }

    /// <summary>The URL that answered with the redirect (without user information).</summary>
    public Uri? RequestUri { get; }

    /// <summary>
    /// The origin (<c>scheme://host:port</c>) the redirect pointed at, or, when the
    /// caller's own handler followed it, the origin it reached.
    /// </summary>
    public Uri? TargetOrigin { get; }

    /// <summary>The redirect status, when the library saw it (null when a handler below followed it).</summary>
    public HttpStatusCode? StatusCode { get; }
}
