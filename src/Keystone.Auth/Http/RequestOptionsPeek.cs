using System.Runtime.CompilerServices;

namespace Keystone.Auth.Http;

/// <summary>
/// Reads <see cref="HttpRequestMessage.Options"/> without making them. The public
/// getter creates them (two objects, ~100 B) on every request that never had
/// any, which is nearly every request: the handler and the request-id code
/// only want to know whether the caller set something. Should a runtime
/// rename the field, the getter is used from then on.
/// </summary>
internal static class RequestOptionsPeek
{
    private static volatile bool s_fieldMissing;

    /// <summary>The request's options if anything made them, else null.</summary>
    public static HttpRequestOptions? Of(HttpRequestMessage request)
    {
        if (!s_fieldMissing)
        {
            try
            {
                return OptionsField(request);
            }
            catch (MissingFieldException)
            {
                s_fieldMissing = true;
            }
        }

        return request.Options;
    }

    /// <summary>The value the caller set for <paramref name="key"/>, looked up only when the request has any options.</summary>
    public static bool TryGet<T>(HttpRequestMessage request, HttpRequestOptionsKey<T> key, out T value)
    {
        // Hashing the key is a large share of a fast send: an empty set is not searched.
        if (Of(request) is { } options && ((IReadOnlyDictionary<string, object?>)options).Count > 0)
        {
            return options.TryGetValue(key, out value!);
        }

        value = default!;
        return false;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_options")]
    private static extern ref HttpRequestOptions? OptionsField(HttpRequestMessage request);
}
