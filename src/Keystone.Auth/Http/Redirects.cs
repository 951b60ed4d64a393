using System.Net;

namespace Keystone.Auth.Http;

/// <summary>
/// The rules for following a redirect without leaking the token: what counts as
/// the same origin, which method and body the next request has (RFC 9110
/// §15.4), which headers never cross to another origin, and how a handler
/// below is kept from following redirects on its own.
/// </summary>
internal static class Redirects
{
    /// <summary>Headers that carry credentials: never sent to another origin.</summary>
    private static readonly string[] s_credentialHeaders =
        [AuthenticatedSender.AuthTokenHeader, "X-Subject-Token", "X-Service-Token", "Authorization", "Proxy-Authorization", "Cookie"];

    public static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    /// <summary>Same scheme, host and port (default ports made explicit); user information plays no part.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        ReferenceEquals(a, b)
        || (string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port);

    /// <summary><c>scheme://host:port</c> of <paramref name="uri"/>, for messages and logs.</summary>
    public static Uri Origin(Uri uri) => new(uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped));

    /// <summary>The URL without user information, for messages and logs.</summary>
    public static string Display(Uri uri) => uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped) : uri.OriginalString;

    /// <summary>
    /// RFC 9110: 303 turns anything but HEAD into a GET without a body; 301/302
    /// turn a POST into a GET (what browsers and HttpClient do); 307/308 keep
    /// the method and the body.
    /// </summary>
    public static (HttpMethod Method, bool KeepBody) Next(HttpMethod method, HttpStatusCode status) => (int)status switch
    {
        303 when method != HttpMethod.Head => (HttpMethod.Get, false),
        301 or 302 when method == HttpMethod.Post => (HttpMethod.Get, false),
        _ => (method, true),
    };

    /// <summary>Removes every credential header, for a request going to another origin.</summary>
    public static void StripCredentials(HttpRequestMessage request)
    {
        foreach (var name in s_credentialHeaders)
        {
            request.Headers.Remove(name);
        }
    }

    /// <summary>
    /// Turns off <c>AllowAutoRedirect</c> on the SocketsHttpHandler or
    /// HttpClientHandler at the bottom of <paramref name="handler"/>'s chain: the
    /// library follows redirects itself, and a handler that follows them would send
    /// <c>X-Auth-Token</c> to any origin (.NET strips only <c>Authorization</c>).
    /// A handler that has already sent requests cannot be changed; then the
    /// response check in <see cref="AuthenticatedSender"/> is what remains.
    /// </summary>
    public static void TryDisableAutoRedirect(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        try
        {
            switch (handler)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException)
        {
            // Already started (e.g. shared by other clients): left as it is.
        }
    }
}
