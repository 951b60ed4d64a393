using System.Diagnostics;
using System.Net;

namespace Keystone.Auth.Tests;

/// <summary>
/// X-OpenStack-Request-ID: the caller's value or one from Activity.Current on
/// service calls, resends and token POSTs (seen at the HTTP layer), a refused
/// malformed value, and the ids services answer with on the activity and in errors.
/// </summary>
public sealed class RequestIdTests
{
    private const string Id = "req-0af7651e-6f3c-4b1e-9c2d-1234567890ab";

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task The_callers_id_goes_out_and_stays_on_the_resend_after_401(Via via)
    {
        using var rig = new SessionRig(via);
        rig.Cloud.ThenUnauthorized();
        var request = new HttpRequestMessage(HttpMethod.Get, "ihosts");
        request.Options.Set(KeystoneRequestOptions.RequestId, Id);

        using var response = await rig.SendAsync(request, Fixtures.Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([Id, Id], rig.Cloud.ServiceCalls.Select(r => r.Header("X-OpenStack-Request-ID")));
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Without_a_value_the_current_activitys_trace_id_is_sent_on_service_calls_and_token_posts(Via via)
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var hex = activity.TraceId.ToHexString();
        var expected = $"req-{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
        using var rig = new SessionRig(via);

        using var response = await rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), Fixtures.Platform);

        Assert.Equal(expected, Assert.Single(rig.Cloud.ServiceCalls).Header("X-OpenStack-Request-ID"));
        Assert.Equal(expected, Assert.Single(rig.Cloud.TokenPosts).Header("X-OpenStack-Request-ID"));
    }

    [Fact]
    public async Task Without_value_or_activity_no_id_is_sent()
    {
        Activity.Current = null;
        using var rig = new SessionRig(Via.Session);

        using var response = await rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), Fixtures.Platform);

        Assert.Null(Assert.Single(rig.Cloud.ServiceCalls).Header("X-OpenStack-Request-ID"));
        Assert.Null(Assert.Single(rig.Cloud.TokenPosts).Header("X-OpenStack-Request-ID"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("req-0AF7651E-6F3C-4B1E-9C2D-1234567890AB")]
    [InlineData("req-0af7651e-6f3c-4b1e-9c2d-1234567890ab\r\nX-Evil: 1")]
    [InlineData("0af7651e-6f3c-4b1e-9c2d-1234567890ab")]
    public async Task A_malformed_id_is_refused_naming_the_option_and_nothing_is_sent_to_the_service(string bad)
    {
        using var rig = new SessionRig(Via.Session);
        var request = new HttpRequestMessage(HttpMethod.Get, "ihosts");
        request.Options.Set(KeystoneRequestOptions.RequestId, bad);

        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => rig.SendAsync(request, Fixtures.Platform));

        Assert.Contains("RequestId", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    [Fact]
    public async Task The_services_answered_id_is_tagged_on_the_activity_and_kept_in_the_error()
    {
        using var activity = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var rig = new SessionRig(Via.Session);
        rig.Cloud.ThenService(HttpStatusCode.OK, "{}", r => r.Headers.TryAddWithoutValidation("x-openstack-request-id", "req-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"));
        rig.Cloud.ThenService(HttpStatusCode.Conflict, "{}", r => r.Headers.TryAddWithoutValidation("x-compute-request-id", "req-11111111-2222-3333-4444-555555555555"));

        using (await rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), Fixtures.Platform))
        {
            Assert.Equal("req-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", activity.GetTagItem("openstack.request_id"));
        }

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), Fixtures.Platform));
        Assert.Equal("req-11111111-2222-3333-4444-555555555555", ex.RequestId);
        Assert.Equal("req-11111111-2222-3333-4444-555555555555", activity.GetTagItem("openstack.request_id"));
    }
}
