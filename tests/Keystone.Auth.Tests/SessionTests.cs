using System.Net;
using System.Text;
using Keystone.Auth.Caching;
using RichardSzalay.MockHttp;

namespace Keystone.Auth.Tests;

/// <summary>
/// The authenticated send (session and handler share it): URL resolution,
/// headers, the one re-authenticated resend on a rejected token (counted at
/// the HTTP layer), replayable content, and error mapping.
/// </summary>
public sealed class SessionTests
{
    private static readonly KeystoneSessionOptions s_returnErrors = new() { RaiseOnError = false };

    // ---- URL resolution

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Absolute_url_is_sent_as_is_and_the_filter_ignored(Via via)
    {
        using var rig = new SessionRig(via);

        using var response = await rig.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "https://elsewhere.test:8443/v1/things?limit=5"),
            new EndpointFilter("no-such-service"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://elsewhere.test:8443/v1/things?limit=5", Assert.Single(rig.Cloud.ServiceCalls).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://h:6385/v1", "/ihosts", "http://h:6385/v1/ihosts")]
    [InlineData("http://h:6385/v1", "ihosts", "http://h:6385/v1/ihosts")]
    [InlineData("http://h:6385/v1/", "/ihosts", "http://h:6385/v1/ihosts")]
    [InlineData("http://h:6385/v1//", "//ihosts", "http://h:6385/v1/ihosts")]
    [InlineData("http://h:9696/", "v2.0/networks", "http://h:9696/v2.0/networks")]
    [InlineData("http://h:9696", "/v2.0/networks?limit=1&marker=x", "http://h:9696/v2.0/networks?limit=1&marker=x")]
    [InlineData("http://h:8774/v2.1/p-1", "servers/detail", "http://h:8774/v2.1/p-1/servers/detail")]
    public async Task Relative_url_is_joined_to_the_catalog_endpoint(string endpoint, string path, string expected)
    {
        using var rig = new SessionRig(Via.Session);
        rig.Cloud.TokenBody = _ => Fixtures.BodyWithCatalog("svc", ("admin", endpoint));

        using var response = await rig.GetAsync(path, new EndpointFilter("svc", EndpointInterface.Admin));

        Assert.Equal(expected, Assert.Single(rig.Cloud.ServiceCalls).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Relative_url_follows_the_filter(Via via)
    {
        using var rig = new SessionRig(via);

        (await rig.GetAsync("/ihosts", new EndpointFilter("platform", EndpointInterface.Internal))).Dispose();
        (await rig.GetAsync("/projects", new EndpointFilter("identity"))).Dispose();

        Assert.Equal(
            ["http://192.168.204.2:6385/v1i/ihosts", "https://10.10.10.2:5001/v3/projects"],
            rig.Cloud.ServiceCalls.Select(c => c.Uri.AbsoluteUri));
    }

    [Fact]
    public async Task Handler_uses_its_default_filter_when_the_request_has_none()
    {
        using var rig = new SessionRig(Via.Handler, handlerFilter: Fixtures.Platform);

        (await rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts?x=1"), null)).Dispose();

        Assert.Equal("http://192.168.204.2:6385/v1/ihosts?x=1", Assert.Single(rig.Cloud.ServiceCalls).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Endpoint_override_replaces_the_catalog_with_placeholders_filled(Via via)
    {
        using var rig = new SessionRig(via, new KeystoneSessionOptions { EndpointOverride = "https://10.10.10.2:8774/v2.1/%(project_id)s/" });

        (await rig.GetAsync("/servers", new EndpointFilter("no-such-service"))).Dispose();

        Assert.Equal("https://10.10.10.2:8774/v2.1/p-1/servers", Assert.Single(rig.Cloud.ServiceCalls).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Endpoint_override_with_project_id_on_an_unscoped_token_is_an_options_error()
    {
        using var rig = new SessionRig(Via.Session, new KeystoneSessionOptions { EndpointOverride = "https://h/v1/%(project_id)s" });
        rig.Cloud.TokenBody = _ => Fixtures.EditToken(t => t.Remove("project"));

        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => rig.GetAsync("/x"));

        Assert.Contains("%(project_id)s", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    [Fact]
    public async Task Http_client_base_address_is_the_last_resort()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud) { BaseAddress = new Uri("http://base.test:1234/api/") };
        using var session = new KeystoneSession(new PasswordAuth(Fixtures.Options(), http), http);

        (await session.GetAsync("things/1")).Dispose();
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();

        Assert.Equal(["http://base.test:1234/api/things/1", "http://192.168.204.2:6385/v1/ihosts"], cloud.ServiceCalls.Select(c => c.Uri.AbsoluteUri));
    }

    [Fact]
    public async Task Relative_url_with_nothing_to_resolve_against_is_refused_without_sending()
    {
        using var rig = new SessionRig(Via.Session);

        await Assert.ThrowsAsync<ArgumentException>(() => rig.Session.GetAsync("/x"));

        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Filter_matching_nothing_raises_endpoint_not_found_without_sending(Via via)
    {
        using var rig = new SessionRig(via);

        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.GetAsync("/x", new EndpointFilter("platform", EndpointInterface.Admin, "subcloud77")));

        Assert.Contains("region 'subcloud77'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    // ---- headers

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Token_default_headers_and_user_agent_are_added(Via via)
    {
        var options = new KeystoneSessionOptions { UserAgent = "dcmanager/1.0" };
        options.DefaultHeaders["User-Header"] = "distcloud";
        options.DefaultHeaders["X-Extra"] = "1";
        using var rig = new SessionRig(via, options);

        (await rig.GetAsync("/ihosts")).Dispose();
        var own = new HttpRequestMessage(HttpMethod.Get, new Uri("/ihosts", UriKind.Relative));
        own.Headers.TryAddWithoutValidation("X-Extra", "mine");
        own.Headers.TryAddWithoutValidation("User-Agent", "caller/2");
        (await rig.SendAsync(own, Fixtures.Platform)).Dispose();

        var first = rig.Cloud.ServiceCalls[0];
        Assert.Equal("tok-1", first.Token);
        Assert.Equal("distcloud", first.Header("User-Header"));
        Assert.Equal("1", first.Header("X-Extra"));
        Assert.Equal("dcmanager/1.0", first.Header("User-Agent"));
        var second = rig.Cloud.ServiceCalls[1];
        Assert.Equal("mine", second.Header("X-Extra"));
        Assert.Equal("caller/2", second.Header("User-Agent"));
        Assert.Equal("distcloud", second.Header("User-Header"));
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task A_token_the_caller_set_is_replaced_by_the_plugins(Via via)
    {
        using var rig = new SessionRig(via);
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/x", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Auth-Token", "stale-by-caller");

        (await rig.SendAsync(request, Fixtures.Platform)).Dispose();

        Assert.Equal("tok-1", Assert.Single(rig.Cloud.ServiceCalls).Token);
    }

    // ---- token rejected: one re-authentication, one resend

    [Theory]
    [InlineData(Via.Session, false)]
    [InlineData(Via.Session, true)]
    [InlineData(Via.Handler, false)]
    [InlineData(Via.Handler, true)]
    public async Task Unauthorized_causes_one_new_token_and_one_resend_with_it(Via via, bool caching)
    {
        using var rig = new SessionRig(via, s_returnErrors, caching);
        rig.Cloud.ThenUnauthorized().ThenService(HttpStatusCode.OK, "second");

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("second", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
        Assert.All(rig.Cloud.ServiceCalls, c => Assert.Equal("http://192.168.204.2:6385/v1/ihosts", c.Uri.AbsoluteUri));
    }

    [Fact]
    public async Task Unauthorized_retry_seen_through_mock_http_header_matching()
    {
        // The same flow checked with MockHttp's own matchers, independent of FakeCloud.
        var mock = new MockHttpMessageHandler();
        var issued = 0;
        var tokenPost = mock.When(HttpMethod.Post, Fixtures.TokenUrl).Respond(_ => Fixtures.TokenResponse($"tok-{Interlocked.Increment(ref issued)}"));
        var withOld = mock.When(HttpMethod.Get, Fixtures.PlatformAdminUrl + "/ihosts").WithHeaders("X-Auth-Token", "tok-1")
            .Respond(HttpStatusCode.Unauthorized, "application/json", Fixtures.UnauthorizedBody);
        var withNew = mock.When(HttpMethod.Get, Fixtures.PlatformAdminUrl + "/ihosts").WithHeaders("X-Auth-Token", "tok-2")
            .Respond("application/json", "{\"ihosts\":[]}");
        mock.Fallback.Throw(new InvalidOperationException("unexpected request"));
        using var http = new HttpClient(mock);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), http), new TokenCache());
        using var session = new KeystoneSession(auth, http);

        using var response = await session.GetAsync("/ihosts", Fixtures.Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, mock.GetMatchCount(tokenPost));
        Assert.Equal(1, mock.GetMatchCount(withOld));
        Assert.Equal(1, mock.GetMatchCount(withNew));
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task After_a_resend_the_cached_new_token_is_reused(Via via)
    {
        using var rig = new SessionRig(via, s_returnErrors, caching: true);
        rig.Cloud.ThenUnauthorized();

        (await rig.GetAsync("/a")).Dispose();
        (await rig.GetAsync("/b")).Dispose();
        (await rig.GetAsync("/c")).Dispose();

        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
        Assert.Equal(["tok-1", "tok-2", "tok-2", "tok-2"], rig.Cloud.ServiceTokens);
    }

    [Theory]
    [InlineData(Via.Session, false)]
    [InlineData(Via.Session, true)]
    [InlineData(Via.Handler, false)]
    [InlineData(Via.Handler, true)]
    public async Task A_second_unauthorized_is_returned_never_looped(Via via, bool caching)
    {
        using var rig = new SessionRig(via, s_returnErrors, caching);
        rig.Cloud.ThenUnauthorized().ThenService(HttpStatusCode.Unauthorized, "second-401").ThenUnauthorized().ThenUnauthorized();

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("second-401", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, rig.Cloud.ServiceCalls.Count);
        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
    }

    [Fact]
    public async Task A_second_unauthorized_is_raised_when_raise_on_error()
    {
        using var rig = new SessionRig(Via.Session);
        rig.Cloud.ThenUnauthorized().ThenUnauthorized().ThenUnauthorized();

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.GetAsync("/ihosts"));

        Assert.IsType<KeystoneHttpException>(ex); // not an authentication failure: the token POST succeeded
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("The request you have made requires authentication.", ex.ServerMessage);
        Assert.Equal(2, rig.Cloud.ServiceCalls.Count);
        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Forbidden_is_not_retried_by_default(Via via)
    {
        using var rig = new SessionRig(via, s_returnErrors);
        rig.Cloud.ThenService(HttpStatusCode.Forbidden);

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(rig.Cloud.ServiceCalls);
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Theory]
    [InlineData(Via.Session, HttpStatusCode.Forbidden)]
    [InlineData(Via.Session, HttpStatusCode.Unauthorized)]
    [InlineData(Via.Handler, HttpStatusCode.Forbidden)]
    [InlineData(Via.Handler, HttpStatusCode.Unauthorized)]
    public async Task Configured_rejected_statuses_are_retried_once(Via via, HttpStatusCode status)
    {
        var options = new KeystoneSessionOptions
        {
            RaiseOnError = false,
            TokenRejectedStatusCodes = new HashSet<HttpStatusCode> { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden },
        };
        using var rig = new SessionRig(via, options);
        rig.Cloud.ThenService(status).ThenService(HttpStatusCode.OK);

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
    }

    [Fact]
    public async Task Only_forbidden_configured_leaves_unauthorized_alone()
    {
        var options = new KeystoneSessionOptions
        {
            RaiseOnError = false,
            TokenRejectedStatusCodes = new HashSet<HttpStatusCode> { HttpStatusCode.Forbidden },
        };
        using var rig = new SessionRig(Via.Session, options);
        rig.Cloud.ThenUnauthorized();

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(rig.Cloud.ServiceCalls);
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Retry_switched_off_returns_the_unauthorized(Via via)
    {
        using var rig = new SessionRig(via, new KeystoneSessionOptions { RaiseOnError = false, RetryOnTokenRejected = false }, caching: true);
        rig.Cloud.ThenService(HttpStatusCode.Unauthorized, "locked");

        using var response = await rig.GetAsync("/ihosts");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("locked", await response.Content.ReadAsStringAsync());
        Assert.Single(rig.Cloud.ServiceCalls);
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Resend_follows_the_new_tokens_catalog(Via via)
    {
        using var rig = new SessionRig(via, s_returnErrors);
        rig.Cloud.TokenBody = n => Fixtures.BodyWithCatalog("platform", ("admin", n == 1 ? "http://old.test:6385/v1" : "https://new.test:6386/v1"));
        rig.Cloud.ThenUnauthorized();

        (await rig.GetAsync("/ihosts")).Dispose();

        Assert.Equal(["http://old.test:6385/v1/ihosts", "https://new.test:6386/v1/ihosts"], rig.Cloud.ServiceCalls.Select(c => c.Uri.AbsoluteUri));
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Post_with_string_content_is_resent_with_the_identical_body_and_headers(Via via)
    {
        using var rig = new SessionRig(via, s_returnErrors);
        rig.Cloud.ThenUnauthorized();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/ihosts", UriKind.Relative))
        {
            Content = new StringContent("""{"hostname":"controller-1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await rig.SendAsync(request, Fixtures.Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = rig.Cloud.ServiceCalls;
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c =>
        {
            Assert.Equal(HttpMethod.Post, c.Method);
            Assert.Equal("""{"hostname":"controller-1"}""", c.BodyText);
            Assert.Equal("application/json", c.ContentType);
            Assert.Equal("kept", c.Header("X-Custom"));
        });
        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Stream_content_is_buffered_and_resent_with_the_same_bytes_by_default(Via via)
    {
        using var rig = new SessionRig(via, s_returnErrors);
        rig.Cloud.ThenUnauthorized();
        var bytes = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/load", UriKind.Relative))
        {
            Content = new StreamContent(new OneShotStream(bytes)),
        };

        using var response = await rig.SendAsync(request, Fixtures.Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = rig.Cloud.ServiceCalls;
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(bytes, c.Body));
        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Stream_content_without_buffering_is_not_resent_and_the_original_unauthorized_returned(Via via)
    {
        using var rig = new SessionRig(via, new KeystoneSessionOptions { RaiseOnError = false, BufferRequestContent = false });
        rig.Cloud.ThenService(HttpStatusCode.Unauthorized, "the-original").ThenService(HttpStatusCode.OK);
        var bytes = Encoding.UTF8.GetBytes("payload");
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/load", UriKind.Relative))
        {
            Content = new StreamContent(new OneShotStream(bytes)),
        };

        using var response = await rig.SendAsync(request, Fixtures.Platform);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("the-original", await response.Content.ReadAsStringAsync());
        Assert.Equal(bytes, Assert.Single(rig.Cloud.ServiceCalls).Body);
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Byte_array_content_is_resent_even_without_buffering(Via via)
    {
        using var rig = new SessionRig(via, new KeystoneSessionOptions { RaiseOnError = false, BufferRequestContent = false });
        rig.Cloud.ThenUnauthorized();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/x", UriKind.Relative)) { Content = new ByteArrayContent([1, 2, 3]) };

        using var response = await rig.SendAsync(request, Fixtures.Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(rig.Cloud.ServiceCalls, c => Assert.Equal([1, 2, 3], c.Body));
        Assert.Equal(2, rig.Cloud.ServiceCalls.Count);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Wrong_password_is_an_authentication_failure_and_the_service_is_never_called(Via via)
    {
        using var rig = new SessionRig(via, authOptions: Fixtures.Options(password: "wrong-Pa55!"));
        rig.Cloud.TokenReply = _ => new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent(Fixtures.UnauthorizedBody, Encoding.UTF8, "application/json"),
            Headers = { { "x-openstack-request-id", "req-auth-1" } },
        };

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.GetAsync("/ihosts"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(HttpMethod.Post, ex.Method);
        Assert.Equal(Fixtures.TokenUrl, ex.RequestUri?.AbsoluteUri);
        Assert.Equal("Unauthorized", ex.Title);
        Assert.Equal("The request you have made requires authentication.", ex.ServerMessage);
        Assert.Equal("req-auth-1", ex.RequestId);
        Assert.Contains("The request you have made requires authentication.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-Pa55!", ex.ToString(), StringComparison.Ordinal);
        Assert.Single(rig.Cloud.TokenPosts); // the token request itself is never retried
        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    [Fact]
    public async Task Password_auth_alone_raises_authentication_failed_on_401()
    {
        using var cloud = new FakeCloud
        {
            TokenReply = _ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(Fixtures.UnauthorizedBody) },
        };
        using var http = new HttpClient(cloud);

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => new PasswordAuth(Fixtures.Options(), http).GetAccessAsync().AsTask());

        Assert.Equal("The request you have made requires authentication.", ex.ServerMessage);
        Assert.DoesNotContain(Fixtures.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_post_answering_500_is_an_http_error_not_an_authentication_failure()
    {
        using var cloud = new FakeCloud
        {
            TokenReply = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("""{"error":{"code":500,"title":"Internal Server Error","message":"db down"}}""") },
        };
        using var http = new HttpClient(cloud);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => new PasswordAuth(Fixtures.Options(), http).GetAccessAsync().AsTask());

        Assert.IsType<KeystoneHttpException>(ex);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("db down", ex.ServerMessage);
    }

    // ---- errors

    [Fact]
    public async Task Raise_on_error_maps_status_method_url_title_message_request_id_and_retry_after()
    {
        using var rig = new SessionRig(Via.Session);
        rig.Cloud.ThenService(HttpStatusCode.ServiceUnavailable, """{"error":{"code":503,"title":"Service Unavailable","message":"try again later"}}""", r =>
        {
            r.Headers.TryAddWithoutValidation("x-openstack-request-id", "req-503");
            r.Headers.TryAddWithoutValidation("Retry-After", "7");
        });

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.Session.DeleteAsync("/ihosts/42", Fixtures.Platform));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(HttpMethod.Delete, ex.Method);
        Assert.Equal("http://192.168.204.2:6385/v1/ihosts/42", ex.RequestUri?.AbsoluteUri);
        Assert.Equal("Service Unavailable", ex.Title);
        Assert.Equal("try again later", ex.ServerMessage);
        Assert.Equal("req-503", ex.RequestId);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal("DELETE http://192.168.204.2:6385/v1/ihosts/42 returned 503 Service Unavailable: try again later (request id req-503)", ex.Message);
        Assert.DoesNotContain("tok-1", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"error":{"code":404,"title":"Not Found","details":"no such host"}}""", "Not Found", "no such host")]
    [InlineData("""{"errors":[{"title":"Bad thing","detail":"it broke"},{"title":"second"}]}""", "Bad thing", "it broke")]
    [InlineData("""{"error":{"message":"only a message"}}""", null, "only a message")]
    [InlineData("<html>not json</html>", null, null)]
    [InlineData("", null, null)]
    [InlineData("""["an array"]""", null, null)]
    public async Task Error_bodies_in_every_openstack_shape_are_read(string body, string? title, string? message)
    {
        using var rig = new SessionRig(Via.Session);
        rig.Cloud.ThenService(HttpStatusCode.NotFound, body);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.Session.GetAsync("/ihosts/9", Fixtures.Platform));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(title, ex.Title);
        Assert.Equal(message, ex.ServerMessage);
        Assert.Null(ex.RequestId);
        Assert.Null(ex.RetryAfter);
    }

    [Fact]
    public async Task Raise_on_error_false_returns_the_error_response()
    {
        using var rig = new SessionRig(Via.Session, s_returnErrors);
        rig.Cloud.ThenService(HttpStatusCode.InternalServerError, "boom");

        using var response = await rig.Session.PutAsync("/x", new StringContent("{}"), Fixtures.Platform);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("boom", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Handler_never_throws_for_a_status()
    {
        using var rig = new SessionRig(Via.Handler);
        rig.Cloud.ThenService(HttpStatusCode.InternalServerError, "boom");

        using var response = await rig.GetAsync("/x");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task Session_helpers_send_their_methods_and_bodies()
    {
        using var rig = new SessionRig(Via.Session, caching: true);
        var s = rig.Session;

        (await s.GetAsync("/a", Fixtures.Platform)).Dispose();
        (await s.PostAsync("/b", new StringContent("post"), Fixtures.Platform)).Dispose();
        (await s.PutAsync("/c", new StringContent("put"), Fixtures.Platform)).Dispose();
        (await s.PatchAsync("/d", new StringContent("patch"), Fixtures.Platform)).Dispose();
        (await s.DeleteAsync("/e", Fixtures.Platform)).Dispose();

        Assert.Equal(
            ["GET /v1/a ", "POST /v1/b post", "PUT /v1/c put", "PATCH /v1/d patch", "DELETE /v1/e "],
            rig.Cloud.ServiceCalls.Select(c => $"{c.Method} {c.Uri.AbsolutePath} {c.BodyText}"));
        Assert.All(rig.Cloud.ServiceCalls, c => Assert.Equal("tok-1", c.Token));
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Fact]
    public async Task Without_a_cache_every_call_is_a_token_post()
    {
        using var rig = new SessionRig(Via.Session);

        (await rig.GetAsync("/a")).Dispose();
        (await rig.GetAsync("/b")).Dispose();

        Assert.Equal(["tok-1", "tok-2"], rig.Cloud.ServiceTokens);
        Assert.Equal(2, rig.Cloud.TokenPosts.Count);
    }

    [Fact]
    public async Task Disposed_session_refuses_further_use()
    {
        using var rig = new SessionRig(Via.Session);
        rig.Session.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => rig.Session.GetAsync("/x", Fixtures.Platform));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => rig.Session.GetAccessAsync().AsTask());
        Assert.Empty(rig.Cloud.Requests);
    }

    /// <summary>A stream that can be read once, like a network or file upload.</summary>
    private sealed class OneShotStream(byte[] data) : Stream
    {
        private int _position;
        private bool _finished;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_finished)
            {
                throw new InvalidOperationException("This stream was already read to its end.");
            }

            var n = Math.Min(count, data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            _finished = n == 0;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
