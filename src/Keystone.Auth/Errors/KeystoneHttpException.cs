using System.Net;
using Keystone.Auth.Diagnostics;

namespace Keystone.Auth;

/// <summary>
/// An HTTP error status (4xx/5xx) from Keystone or from a service reached through
/// the catalog. Carries what the server said: status, method, URL, the Keystone
/// <c>error.title</c>/<c>error.message</c>, the <c>x-openstack-request-id</c> and
/// any <c>Retry-After</c>.
/// </summary>
public class KeystoneHttpException : KeystoneException
{
    /// <summary>Creates the exception. <paramref name="requestUri"/> is kept and shown without its userinfo.</summary>
    public KeystoneHttpException(
        HttpStatusCode statusCode,
        HttpMethod method,
        Uri? requestUri,
        string? title = null,
        string? serverMessage = null,
        string? requestId = null,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(BuildMessage(statusCode, method, requestUri, title, serverMessage, requestId), innerException)
    {
        StatusCode = statusCode;
        Method = method;
        RequestUri = Redaction.Url(requestUri);
        Title = title;
        ServerMessage = serverMessage;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status the server answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The method of the failed request.</summary>
    public HttpMethod Method { get; }

    /// <summary>The URL of the failed request, without userinfo (never carries a token).</summary>
    public Uri? RequestUri { get; }

    /// <summary>The <c>error.title</c> of a Keystone error body, if any.</summary>
    public string? Title { get; }

    /// <summary>
    /// The server's explanation: <c>error.message</c>, else <c>error.details</c>,
    /// else the first entry of an API-SIG <c>errors[]</c> list.
    /// </summary>
    public string? ServerMessage { get; }

    /// <summary>The <c>x-openstack-request-id</c> response header, for the server's logs.</summary>
    public string? RequestId { get; }

    /// <summary>The delay the server asked for in <c>Retry-After</c>, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string BuildMessage(HttpStatusCode status, HttpMethod method, Uri? uri, string? title, string? message, string? requestId)
    {
        var text = $"{method} {Redaction.Url(uri)} returned {(int)status} {title ?? status.ToString()}";
        if (!string.IsNullOrEmpty(message))
        {
            text += ": " + message;
        }

        if (!string.IsNullOrEmpty(requestId))
        {
            text += $" (request id {requestId})";
        }

        return text;
    }
}
