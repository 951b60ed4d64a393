namespace Keystone.Auth.Identity;

/// <summary>
/// The token request follows no redirect. Its body carries the credentials, so
/// a redirect is either a misconfigured <c>AuthUrl</c> or someone collecting
/// passwords: in both cases the answer is refused, and nothing is cached.
/// </summary>
internal static class TokenRedirects
{
    private const string Advice = "set AuthUrl to the address Keystone answers on";

    /// <summary>
    /// Throws <see cref="InvalidResponseException"/> when the answer is a 3xx
    /// (a client that does not follow redirects hands it back), or when the
    /// client followed one anyway: the request that got this answer went
    /// elsewhere than <paramref name="tokenUrl"/> (origin, path or query), or stopped being a POST.
    /// </summary>
    public static void ThrowIfRedirected(HttpResponseMessage response, Uri tokenUrl)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var target = response.Headers.Location is { } location && Uri.TryCreate(tokenUrl, location, out var absolute)
                ? $"a redirect to {AuthUrl.Origin(absolute)}"
                : "a redirect";
            throw new InvalidResponseException(
                $"The token request was answered {status} ({target}); the token request follows no redirect because it carries the credentials: {Advice}",
                tokenUrl);
        }

        if (response.RequestMessage is { RequestUri: { } sent } request
            && (request.Method != HttpMethod.Post || !SameTarget(sent, tokenUrl)))
        {
            // Too late to keep the body from that place (the caller's handler
            // chose to follow), but not too late to refuse what it answered.
            throw new InvalidResponseException(
                $"The token request was redirected to {AuthUrl.Origin(sent)} (sent there as a {request.Method}) by the HttpClient's handler; the answer is refused. Use a handler that does not follow redirects (AllowAutoRedirect = false) and {Advice}",
                tokenUrl);
        }
    }

    private static bool SameTarget(Uri sent, Uri tokenUrl) =>
        Uri.Compare(sent, tokenUrl, UriComponents.SchemeAndServer | UriComponents.PathAndQuery, UriFormat.UriEscaped, StringComparison.Ordinal) == 0;
}
