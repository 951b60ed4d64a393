using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Keystone.Auth.Http;

/// <summary>
/// OpenStack's global request id: <c>X-OpenStack-Request-ID: req-&lt;uuid&gt;</c> sent
/// on service calls and token requests (the caller's value, else one made from
/// the current <see cref="Activity"/>'s trace id, so one trace is one id across
/// services), and the ids services answer with, put on the current activity.
/// </summary>
internal static partial class RequestIds
{
    public const string Header = "X-OpenStack-Request-ID";

    /// <summary>The activity tag carrying the id a service or Keystone answered with.</summary>
    public const string ResponseTag = "openstack.request_id";

    /// <summary>Adds the header unless the request has one: the caller's id (checked), else the activity's.</summary>
    /// <exception cref="InvalidOptionsException">The caller's id is not <c>req-</c> and a lower-case uuid.</exception>
    public static void Apply(HttpRequestMessage request)
    {
        if (request.Headers.Contains(Header))
        {
            return;
        }

        string? id;
        if (RequestOptionsPeek.TryGet(request, KeystoneRequestOptions.RequestId, out var given))
        {
            // oslo.middleware takes an inbound id as the global one only in this
            // form; anything else would be dropped there silently, so say it here.
            id = IsValid(given) ? given : throw new InvalidOptionsException(
                nameof(KeystoneRequestOptions), [$"RequestId must be 'req-' and a lower-case uuid (req-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got '{given}'"]);
        }
        else
        {
            id = FromActivity(Activity.Current);
        }

        if (id is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, id);
        }
    }

    /// <summary><c>req-</c> and the W3C trace id written as a uuid, or null without a W3C activity.</summary>
    public static string? FromActivity(Activity? activity)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return null;
        }

        var hex = activity.TraceId.ToHexString();
        return string.Create(40, hex, static (span, h) =>
        {
            "req-".CopyTo(span);
            h.AsSpan(0, 8).CopyTo(span[4..]);
            span[12] = '-';
            h.AsSpan(8, 4).CopyTo(span[13..]);
            span[17] = '-';
            h.AsSpan(12, 4).CopyTo(span[18..]);
            span[22] = '-';
            h.AsSpan(16, 4).CopyTo(span[23..]);
            span[27] = '-';
            h.AsSpan(20, 12).CopyTo(span[28..]);
        });
    }

    /// <summary>Puts the answer's request id on the current activity, when there is one to tag.</summary>
    public static void Record(HttpResponseMessage response, Activity? activity)
    {
        if (activity is not null && ErrorResponse.RequestId(response) is { } id)
        {
            activity.SetTag(ResponseTag, id);
        }
    }

    public static bool IsValid(string? id) => id is not null && Format().IsMatch(id);

    [GeneratedRegex("^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex Format();
}
