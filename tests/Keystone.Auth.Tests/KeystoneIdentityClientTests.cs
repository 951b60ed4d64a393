using System.Net;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>
/// The Keystone read calls: token validation (typed result, typed not-found,
/// headers and query as sent) and the region/service/endpoint lists, with
/// hostile answers turned into InvalidResponseException. Requests are checked
/// as they reached the HTTP layer.
/// </summary>
public sealed class KeystoneIdentityClientTests
{
    private const string Subject = "gAAAAABsubject-token";

    [Theory]
    [InlineData(true, "https://keystone.test:5001/v3/auth/tokens")]
    [InlineData(false, "https://keystone.test:5001/v3/auth/tokens?nocatalog")]
    public async Task Validates_a_token_with_and_without_its_catalog(bool includeCatalog, string expectedUrl)
    {
        var server = new Scripted(_ => Json(HttpStatusCode.OK, Fixtures.ProjectScopedBody, subjectToken: Subject));
        var access = await server.Client().ValidateTokenAsync(Subject, includeCatalog);

        var request = Assert.Single(server.Requests);
        Assert.Equal(expectedUrl, request.Uri.AbsoluteUri);
        Assert.Equal(Subject, request.Header("X-Subject-Token"));
        Assert.Equal("admin-token", request.Token);
        Assert.Equal("dcmanager", access.User?.Name);
        Assert.Equal("services", access.Project?.Name);
        Assert.Equal(Subject, access.Token);

        // Someone else's token: its expiry is Keystone's, not shifted to our send time.
        Assert.Equal(access.ExpiresAt, access.LocalExpiresAt);
    }

    [Fact]
    public async Task A_catalog_url_without_version_gets_v3()
    {
        var server = new Scripted(_ => Json(HttpStatusCode.OK, Fixtures.ProjectScopedBody, subjectToken: Subject));
        var client = new KeystoneIdentityClient(
            new FixedTokenAuth(new FixedTokenAuthOptions { Token = "admin-token", Endpoint = "https://keystone.test:5001" }),
            new HttpClient(server),
            new KeystoneIdentityClientOptions { IdentityUrl = "https://keystone.test:5001/" });

        await client.ValidateTokenAsync(Subject);

        Assert.Equal("https://keystone.test:5001/v3/auth/tokens", Assert.Single(server.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task An_unknown_token_is_the_typed_not_found_without_the_token()
    {
        var server = new Scripted(_ => Json(HttpStatusCode.NotFound, """{"error":{"code":404,"title":"Not Found","message":"Could not recognize Fernet token"}}""", requestId: "req-11111111-2222-3333-4444-555555555555"));

        var ex = await Assert.ThrowsAsync<TokenNotFoundException>(() => server.Client().ValidateTokenAsync(Subject));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("Could not recognize Fernet token", ex.ServerMessage);
        Assert.Equal("req-11111111-2222-3333-4444-555555555555", ex.RequestId);
        Assert.DoesNotContain(Subject, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_redirect_to_another_origin_never_carries_the_subject_token_or_ours(bool followCrossOrigin)
    {
        var server = new Scripted(r => r.Uri.Host == "keystone.test"
            ? new HttpResponseMessage(HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri("https://elsewhere.test/v3/auth/tokens") } }
            : Json(HttpStatusCode.NotFound, "{}"));
        var client = server.Client(session: new KeystoneSessionOptions { FollowCrossOriginRedirects = followCrossOrigin });

        var ex = await Assert.ThrowsAnyAsync<KeystoneException>(() => client.ValidateTokenAsync(Subject));

        // Counted at the HTTP layer: what reached the other origin, if anything.
        Assert.DoesNotContain(Subject, ex.ToString(), StringComparison.Ordinal);
        var foreign = server.Requests.Where(r => r.Uri.Host == "elsewhere.test").ToArray();
        Assert.Equal(followCrossOrigin ? 1 : 0, foreign.Length);
        Assert.All(foreign, r => Assert.Null(r.Header("X-Subject-Token")));
        Assert.All(foreign, r => Assert.Null(r.Token));
    }

    [Fact]
    public async Task Forbidden_is_a_plain_http_error()
    {
        var server = new Scripted(_ => Json(HttpStatusCode.Forbidden, "{}"));
        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => server.Client().ValidateTokenAsync(Subject));
        Assert.IsNotType<TokenNotFoundException>(ex);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("tok\r\nX-Evil: 1")]
    public async Task A_subject_token_that_is_no_header_value_is_refused_before_any_request(string subject)
    {
        var server = new Scripted(_ => Json(HttpStatusCode.OK, Fixtures.ProjectScopedBody));
        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => server.Client().ValidateTokenAsync(subject));
        Assert.Contains("subjectToken", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"nothing":1}""")]
    [InlineData("""{"token":{"expires_at":"soon"}}""")]
    public async Task A_validation_answer_that_is_no_token_is_invalid(string body)
    {
        var server = new Scripted(_ => Json(HttpStatusCode.OK, body));
        await Assert.ThrowsAsync<InvalidResponseException>(() => server.Client().ValidateTokenAsync(Subject));
    }

    [Fact]
    public async Task Lists_regions_services_and_endpoints_skipping_unusable_entries()
    {
        var server = new Scripted(r => r.Uri.AbsolutePath switch
        {
            "/v3/regions" => Json(HttpStatusCode.OK, """{"regions":[{"id":"RegionOne","parent_region_id":null,"description":""},{"id":"subcloud1","parent_region_id":"RegionOne"},{"description":"no id"},null],"links":{}}"""),
            "/v3/services" => Json(HttpStatusCode.OK, """{"services":[{"id":"s1","type":"platform","name":"sysinv","enabled":true},{"id":"s2","type":"volumev3","name":""},{"id":"s3"}]}"""),
            _ => Json(HttpStatusCode.OK, """{"endpoints":[{"id":"e1","service_id":"s1","interface":"admin","region_id":"subcloud1","url":"https://10.0.0.2:6386/v1","enabled":true},{"id":"e2","service_id":"s1","interface":"publicURL","region":"RegionOne","url":"https://10.0.0.1:6386/v1","enabled":false},{"id":"e3","service_id":"s1","interface":"sideways","url":"https://x"},{"id":"e4","service_id":"s1","interface":"admin"}]}"""),
        });
        var client = server.Client();

        Assert.Equal([new KeystoneRegion("RegionOne", null, ""), new KeystoneRegion("subcloud1", "RegionOne", null)], await client.ListRegionsAsync());
        Assert.Equal([new KeystoneService("s1", "platform", "sysinv", true), new KeystoneService("s2", "volumev3", "", true)], await client.ListServicesAsync());
        Assert.Equal(
            [new KeystoneEndpoint("e1", "s1", EndpointInterface.Admin, "subcloud1", "https://10.0.0.2:6386/v1", true),
             new KeystoneEndpoint("e2", "s1", EndpointInterface.Public, "RegionOne", "https://10.0.0.1:6386/v1", false)],
            await client.ListEndpointsAsync());
        Assert.Equal(["/v3/regions", "/v3/services", "/v3/endpoints"], server.Requests.Select(r => r.Uri.AbsolutePath));
    }

    [Theory]
    [InlineData("""{"endpoints":[{"id":1,"service_id":"s1","interface":"admin","url":"https://x"}]}""", "not valid JSON")]
    [InlineData("""{"endpoints":{"id":"e1"}}""", "not valid JSON")]
    [InlineData("""{"regions":[]}""", "no 'endpoints' list")]
    [InlineData("""[1,2,3]""", "not valid JSON")]
    [InlineData("""<html>oops</html>""", "not valid JSON")]
    [InlineData("""{"endpoints":[],"truncated":true}""", "truncated")]
    public async Task Hostile_or_partial_lists_are_invalid_responses(string body, string why)
    {
        var server = new Scripted(_ => Json(HttpStatusCode.OK, body));
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => server.Client().ListEndpointsAsync());
        Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        Assert.Equal("https://keystone.test:5001/v3/endpoints", ex.RequestUri?.AbsoluteUri);
    }

    [Fact]
    public async Task A_list_larger_than_allowed_is_refused_while_streaming()
    {
        var big = """{"regions":[""" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"id":"subcloud{{i}}"}""")) + "]}";
        var server = new Scripted(_ =>
        {
            // No Content-Length: the bound must hold while reading.
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new NoLengthStream(Encoding.UTF8.GetBytes(big))) };
            return response;
        });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => server.Client(maxResponseBytes: 4096).ListRegionsAsync());
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_options_are_refused_naming_the_option()
    {
        var auth = new FixedTokenAuth(new FixedTokenAuthOptions { Token = "t", Endpoint = "https://k.test/v3" });
        var ex = Assert.Throws<InvalidOptionsException>(() => new KeystoneIdentityClient(auth, new HttpClient(), new KeystoneIdentityClientOptions { IdentityUrl = "keystone:5000", MaxResponseBytes = 10 }));
        Assert.Contains("IdentityUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string? subjectToken = null, string? requestId = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (subjectToken is not null)
        {
            response.Headers.TryAddWithoutValidation("X-Subject-Token", subjectToken);
        }

        if (requestId is not null)
        {
            response.Headers.TryAddWithoutValidation("x-openstack-request-id", requestId);
        }

        return response;
    }

    private sealed class Scripted(Func<RecordedRequest, HttpResponseMessage> reply) : HttpMessageHandler
    {
        private readonly List<RecordedRequest> _requests = [];

        public IReadOnlyList<RecordedRequest> Requests
        {
            get
            {
                lock (_requests)
                {
                    return _requests.ToArray();
                }
            }
        }

        public KeystoneIdentityClient Client(int maxResponseBytes = 64 * 1024 * 1024, KeystoneSessionOptions? session = null) =>
            new(new FixedTokenAuth(new FixedTokenAuthOptions { Token = "admin-token", Endpoint = "https://keystone.test:5001/v3" }),
                new HttpClient(this, disposeHandler: false),
                new KeystoneIdentityClientOptions { IdentityUrl = "https://keystone.test:5001/v3", MaxResponseBytes = maxResponseBytes, Session = session ?? new KeystoneSessionOptions() });

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var recorded = await RecordedRequest.CaptureAsync(request, cancellationToken);
            lock (_requests)
            {
                _requests.Add(recorded);
            }

            var response = reply(recorded);
            response.RequestMessage = request;
            return response;
        }
    }

    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
