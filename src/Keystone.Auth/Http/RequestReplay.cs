namespace Keystone.Auth.Http;

/// <summary>
/// An <see cref="HttpRequestMessage"/> can be sent only once, so every resend is
/// a copy. The content object is shared by the copies: that is safe once it is
/// known to serialize the same bytes every time (byte-array kinds, or a
/// <see cref="ReplayableContent"/> that kept its whole copy).
/// </summary>
internal static class RequestReplay
{
    /// <summary>
    /// Makes a body that cannot be sent twice resendable when allowed, by a
    /// bounded copy kept while it streams (<see cref="ReplayableContent"/>).
    /// Nothing is read here: the first send starts at once.
    /// </summary>
    public static void Prepare(HttpRequestMessage request, KeystoneSessionOptions options)
    {
        var content = request.Content;
        if (content is null or ByteArrayContent or ReadOnlyMemoryContent or ReplayableContent
            || !options.BufferRequestContent || options.MaxBufferedContentBytes == 0)
        {
            return;
        }

        // A body known to be larger than the bound is streamed without a copy at all.
        if (content.Headers.ContentLength is { } length && length > options.MaxBufferedContentBytes)
        {
            return;
        }

        request.Content = new ReplayableContent(content, options.MaxBufferedContentBytes);
    }

    /// <summary>Whether a request with <paramref name="content"/> can be sent (again) now.</summary>
    public static bool CanResend(HttpContent? content) => content switch
    {
        null or ByteArrayContent or ReadOnlyMemoryContent => true,
        ReplayableContent replayable => replayable.CanReplay,
        _ => false,
    };

    /// <summary>A copy of <paramref name="request"/> aimed at <paramref name="uri"/>, without its token.</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage request, Uri uri) => Copy(request, uri, request.Method, keepContent: true);

    /// <summary>A copy with another method, with or without the body (a redirect may turn a POST into a GET).</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage request, Uri uri, HttpMethod method, bool keepContent)
    {
        var copy = new HttpRequestMessage(method, uri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = keepContent ? request.Content : null,
        };

        foreach (var header in request.Headers)
        {
            // The handler marks a body of unknown length "Transfer-Encoding: chunked"
            // on the request itself; without the body that header is refused.
            if (!string.Equals(header.Key, AuthenticatedSender.AuthTokenHeader, StringComparison.OrdinalIgnoreCase)
                && (keepContent || !string.Equals(header.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        IDictionary<string, object?> options = copy.Options;
        foreach (var option in request.Options)
        {
            options[option.Key] = option.Value;
        }

        return copy;
    }
}
