namespace Keystone.Auth.Http;

/// <summary>
/// An <see cref="HttpRequestMessage"/> can be sent only once, so every resend is
/// a copy. The content object is shared by the copies: that is safe once it is
/// known to serialize the same bytes every time (byte-array kinds, or content
/// buffered in memory by <see cref="HttpContent.LoadIntoBufferAsync()"/>).
/// </summary>
internal static class RequestReplay
{
    /// <summary>
    /// Makes the content resendable when it is not already, if allowed.
    /// Returns false when the request must not be resent.
    /// </summary>
    public static async ValueTask<bool> PrepareAsync(HttpRequestMessage request, bool bufferContent, CancellationToken cancellationToken)
    {
        var content = request.Content;
        if (content is null or ByteArrayContent or ReadOnlyMemoryContent)
        {
            return true;
        }

        if (!bufferContent)
        {
            return false;
        }

#if NET9_0_OR_GREATER
        await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
#else
        cancellationToken.ThrowIfCancellationRequested();
        await content.LoadIntoBufferAsync().ConfigureAwait(false);
#endif
        return true;
    }

    /// <summary>A copy of <paramref name="request"/> aimed at <paramref name="uri"/>, without its token.</summary>
    public static HttpRequestMessage Copy(HttpRequestMessage request, Uri uri)
    {
        var copy = new HttpRequestMessage(request.Method, uri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
            Content = request.Content,
        };

        foreach (var header in request.Headers)
        {
            if (!string.Equals(header.Key, AuthenticatedSender.AuthTokenHeader, StringComparison.OrdinalIgnoreCase))
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
