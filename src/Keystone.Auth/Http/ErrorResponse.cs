using System.Net;
using System.Text.Json;

namespace Keystone.Auth.Http;

/// <summary>
/// Reads an error answer into a <see cref="KeystoneHttpException"/>: the
/// Keystone body <c>{"error":{"code","title","message"}}</c> (or
/// <c>error.details</c>, or API-SIG <c>{"errors":[{"title","detail"}]}</c>),
/// <c>x-openstack-request-id</c> and <c>Retry-After</c>. A body that is not
/// JSON is not an error of its own: the status still says what happened.
/// </summary>
internal static class ErrorResponse
{
    /// <summary>Error bodies are small; more than this is not read.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    public static async Task<KeystoneHttpException> ToExceptionAsync(HttpResponseMessage response, HttpMethod method, Uri? uri, bool authenticationFailure, CancellationToken cancellationToken)
    {
        var (title, message) = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var requestId = RequestId(response);
        return authenticationFailure
            ? new AuthenticationFailedException(response.StatusCode, method, uri, title, message, requestId)
            : new KeystoneHttpException(response.StatusCode, method, uri, title, message, requestId, RetryAfter(response, TimeProvider.System));
    }

    public static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-openstack-request-id", out var values) ? values.FirstOrDefault()
        : response.Headers.TryGetValues("x-compute-request-id", out values) ? values.FirstOrDefault()
        : null;

    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async Task<(string? Title, string? Message)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            if (response.Content.Headers.ContentLength is > MaxErrorBodyBytes)
            {
                return (null, null);
            }

            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxErrorBodyBytes];
                var length = 0;
                int read;
                while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }

                return Parse(buffer.AsSpan(0, length));
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    internal static (string? Title, string? Message) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var title = StringOf(error, "title");
                var message = StringOf(error, "message") ?? StringOf(error, "details");
                return (title, message);
            }

            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                if (first.ValueKind == JsonValueKind.Object)
                {
                    return (StringOf(first, "title"), StringOf(first, "detail") ?? StringOf(first, "message"));
                }
            }

            return (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? StringOf(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;

    internal static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and <= 299;
}
