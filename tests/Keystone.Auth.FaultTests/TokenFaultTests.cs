using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// The token POST misbehaves. Every case asserts the exact exception type the
/// caller sees through the session, and that nothing was cached (the next call
/// makes a new POST, counted by the server).
/// </summary>
public sealed class TokenFaultTests : FaultTestBase
{
    [Fact]
    public async Task Slow_token_response_past_RequestTimeout_is_KeystoneTimeoutException()
    {
        Server.OnToken(Server.HangAsync);
        using var client = new Harness(Server, o => o.RequestTimeout = TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(TimeSpan.FromSeconds(1), ex.Timeout);
        Assert.Equal(new Uri(Server.AuthUrl + "/auth/tokens"), ex.RequestUri);
        Assert.Equal(1, Server.TokenPosts);
        Assert.Equal(0, Server.ServiceCalls);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Token_body_cut_by_connection_abort_is_KeystoneConnectionException()
    {
        var full = Server.TokenBody(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)).ToJsonString();
        Server.OnToken(Faults.AbortMidBody(201, full, full.Length / 2, ("X-Subject-Token", FaultServer.NewToken())));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("before a complete answer", ex.Message, StringComparison.Ordinal);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Token_connection_abort_before_any_answer_is_KeystoneConnectionException()
    {
        Server.OnToken(Faults.AbortBeforeHeaders());
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Truncated_json_with_matching_length_is_InvalidResponseException()
    {
        var full = Server.TokenBody(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)).ToJsonString();
        Server.OnToken(Faults.Status(201, full[..(full.Length / 2)], "application/json", ("X-Subject-Token", FaultServer.NewToken())));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
        await AssertNothingCachedAsync(client);
    }

    [Theory]
    [InlineData(500, null)]
    [InlineData(500, 30)]
    [InlineData(502, null)]
    [InlineData(502, 5)]
    [InlineData(503, null)]
    [InlineData(503, 120)]
    public async Task Server_error_on_token_post_is_KeystoneHttpException_with_status_and_RetryAfter(int status, int? retryAfter)
    {
        var headers = retryAfter is { } s ? new[] { ("Retry-After", s.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("x-openstack-request-id", "req-42") } : new[] { ("x-openstack-request-id", "req-42") };
        Server.OnToken(Faults.Status(status, $$$"""{"error":{"code":{{{status}}},"message":"backend is down","title":"Oops"}}""", "application/json", headers));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(retryAfter is { } r ? TimeSpan.FromSeconds(r) : null, ex.RetryAfter);
        Assert.Equal(HttpMethod.Post, ex.Method);
        Assert.Equal("backend is down", ex.ServerMessage);
        Assert.Equal("req-42", ex.RequestId);
        Assert.Equal(1, Server.TokenPosts); // the token request itself is never retried
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Retry_after_as_http_date_is_converted_to_a_delay()
    {
        var when = DateTimeOffset.UtcNow.AddMinutes(10);
        Server.OnToken(Faults.Status(503, null, "application/json", ("Retry-After", when.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.InRange(ex.RetryAfter!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Created_without_X_Subject_Token_is_InvalidResponseException()
    {
        var body = Server.TokenBody(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)).ToJsonString();
        Server.OnToken(Faults.Status(201, body));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("X-Subject-Token", ex.Message, StringComparison.Ordinal);
        await AssertNothingCachedAsync(client);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"nottoken\":{}}")]
    [InlineData("{\"token\":\"a string\"}")]
    public async Task Unusable_body_is_InvalidResponseException(string body)
    {
        Server.OnToken(Faults.Status(201, body, "application/json", ("X-Subject-Token", FaultServer.NewToken())));
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Html_error_page_with_200_is_InvalidResponseException()
    {
        const string html = "<!DOCTYPE html><html><head><title>Gateway</title></head><body><h1>Please log in</h1></body></html>";
        Server.OnToken(Faults.Status(200, html, "text/html; charset=utf-8"));
        Server.OnToken(Faults.Status(200, html, "text/html; charset=utf-8", ("X-Subject-Token", FaultServer.NewToken())));
        using var client = new Harness(Server);

        var noHeader = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        var withHeader = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("X-Subject-Token", noHeader.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", withHeader.Message, StringComparison.Ordinal);
        Assert.Equal(2, Server.TokenPosts);
        await AssertNothingCachedAsync(client);
    }

    public static TheoryData<string, string?, string> BadExpiries => new()
    {
        // name, issued_at (null = absent), expires_at ("-" = absent)
        { "expires_at missing", FaultServer.Stamp(DateTimeOffset.UtcNow), "-" },
        { "expires_at null", FaultServer.Stamp(DateTimeOffset.UtcNow), "null" },
        { "expires_at unparseable", FaultServer.Stamp(DateTimeOffset.UtcNow), "next tuesday" },
        { "expires_at date only", FaultServer.Stamp(DateTimeOffset.UtcNow), "2099-01-01" },
        { "expires_at in the past, no issued_at", null, FaultServer.Stamp(DateTimeOffset.UtcNow.AddHours(-1)) },
        { "expires_at before issued_at", FaultServer.Stamp(DateTimeOffset.UtcNow), FaultServer.Stamp(DateTimeOffset.UtcNow.AddMinutes(-1)) },
        { "expires_at equal to issued_at", FaultServer.Stamp(DateTimeOffset.UtcNow), FaultServer.Stamp(DateTimeOffset.UtcNow) },
        { "issued_at unparseable", "yesterday", FaultServer.Stamp(DateTimeOffset.UtcNow.AddHours(1)) },
    };

    [Theory]
    [MemberData(nameof(BadExpiries))]
    public async Task Bad_expiry_is_InvalidResponseException(string name, string? issuedAt, string expiresAt)
    {
        _ = name; // the case's label in the test name; nothing to check
        var body = Server.TokenBody(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));
        var token = (JsonObject)body["token"]!;
        token.Remove("issued_at");
        token.Remove("expires_at");
        if (issuedAt is not null)
        {
            token["issued_at"] = issuedAt;
        }

        if (expiresAt == "null")
        {
            token["expires_at"] = null;
        }
        else if (expiresAt != "-")
        {
            token["expires_at"] = expiresAt;
        }

        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, body));
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Expires_at_in_the_past_with_consistent_issued_at_is_read_as_clock_skew_and_used()
    {
        // Indistinguishable from a Keystone whose clock is 2 h behind ours: the
        // token's one-hour life counts from our own request time.
        var serverNow = DateTimeOffset.UtcNow.AddHours(-2);
        Server.Clock = () => DateTimeOffset.UtcNow.AddHours(-2);
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, Server.TokenBody(serverNow, serverNow.AddHours(1))));
        using var client = new Harness(Server);

        using var response = await client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard);
        var access = await client.Caching.GetAccessAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(access.LocalExpiresAt > DateTimeOffset.UtcNow.AddMinutes(55));
        Assert.Equal(1, Server.TokenPosts);
    }

    [Fact]
    public async Task Body_larger_than_MaxResponseBytes_is_InvalidResponseException_with_and_without_content_length()
    {
        var big = TenMegabyteBody();
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, big));
        Server.OnToken(async ctx =>
        {
            // No Content-Length: only the bounded read can stop it.
            ctx.Response.StatusCode = 201;
            ctx.Response.Headers["X-Subject-Token"] = FaultServer.NewToken();
            ctx.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(big.ToJsonString());
            for (var i = 0; i < bytes.Length; i += 64 * 1024)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(i, Math.Min(64 * 1024, bytes.Length - i)), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        });
        using var client = new Harness(Server, o => o.MaxResponseBytes = 1024 * 1024);

        var declared = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        var streamed = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("MaxResponseBytes", declared.Message, StringComparison.Ordinal);
        Assert.Contains("MaxResponseBytes", streamed.Message, StringComparison.Ordinal);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Ten_megabyte_catalog_parses_with_the_default_limit()
    {
        var big = TenMegabyteBody();
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, big));
        using var client = new Harness(Server);

        var access = await client.Caching.GetAccessAsync().AsTask().WaitAsync(Guard);
        using var response = await client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard);

        Assert.True(big.ToJsonString().Length > 10 * 1024 * 1024);
        Assert.True(access.Catalog.Services.Count > 1000);
        Assert.Equal(Server.ServiceUrl, access.Catalog.GetEndpoint(Harness.Compute));
        Assert.Equal("http://region-999.example/svc-999/ep-49", access.Catalog.GetEndpoint(new EndpointFilter("filler-999", EndpointInterface.Internal, "region-49")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Server.TokenPosts);
    }

    [Fact]
    public async Task Wrong_password_is_AuthenticationFailedException_and_nothing_is_cached()
    {
        Server.ExpectedPassword = "the-right-one";
        using var wrong = new Harness(Server);

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => wrong.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => wrong.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("The request you have made requires authentication.", ex.ServerMessage);
        Assert.Equal(2, Server.TokenPosts); // each call asked again: the failure was not cached
        Assert.Empty(Server.IssuedTokens);
    }

    [Fact]
    public async Task Not_found_on_token_url_is_KeystoneHttpException_404()
    {
        using var client = new Harness(Server, o => o.AuthUrl = Server.BaseUri + "nothing-here/v3");

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(0, Server.TokenPosts);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    public async Task Redirect_that_turns_the_token_POST_into_a_GET_is_InvalidResponseException(int status)
    {
        // HttpClient follows 301/302/303 for a POST by sending a GET without the
        // body. Keystone would answer that GET (token validation) with 401, which
        // must not be reported as "wrong password".
        Server.OnToken(Faults.Status(status, null, "application/json", ("Location", Server.BaseUri + "v3/auth/tokens/moved")));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains("redirect", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("GET /v3/auth/tokens/moved", Server.Requests);
        Assert.Equal(1, Server.TokenPosts);
        await AssertNothingCachedAsync(client);
    }

    private JsonObject TenMegabyteBody()
    {
        var catalog = Server.DefaultCatalog();
        for (var s = 0; s < 1000; s++)
        {
            var endpoints = new JsonNode[70];
            for (var e = 0; e < endpoints.Length; e++)
            {
                endpoints[e] = new JsonObject
                {
                    ["id"] = $"0123456789abcdef0123456789abcdef-{s}-{e}",
                    ["interface"] = "internal",
                    ["region"] = $"region-{e}",
                    ["region_id"] = $"region-{e}",
                    ["url"] = $"http://region-{s}.example/svc-{s}/ep-{e}",
                };
            }

            catalog.Add(FaultServer.Service($"filler-{s}", $"filler service number {s}", endpoints));
        }

        return Server.TokenBody(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), catalog);
    }
}
