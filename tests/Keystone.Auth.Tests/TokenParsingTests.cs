using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Keystone.Auth.Access;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// X-Subject-Token plus the token body into <see cref="AccessInfo"/>: the API
/// reference vectors, every timestamp form Keystone writes, every malformed
/// answer as <see cref="InvalidResponseException"/>, and the clock-skew
/// corrected local expiry.
/// </summary>
public sealed class TokenParsingTests
{
    [VectorFact]
    public void Project_scoped_vector_parses_completely()
    {
        var access = AccessInfo.FromTokenResponse("tok-v", Vectors.ReadText("auth-password-project-scoped-response.json"));

        Assert.Equal("tok-v", access.Token);
        Assert.Equal(new DateTimeOffset(2015, 11, 7, 2, 58, 43, TimeSpan.Zero).AddTicks(5788870), access.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2015, 11, 7, 1, 58, 43, TimeSpan.Zero).AddTicks(5789290), access.IssuedAt);
        Assert.Equal(["password"], access.Methods);
        Assert.Equal(new TokenUser("ee4dfb6e5540447cb3741905149d9b6e", "admin", "default", "Default"), access.User);
        Assert.Equal(new TokenProject("a6944d763bf64ee6a275f1263fae0352", "admin", "default", "Default"), access.Project);
        Assert.Null(access.Domain);
        Assert.Null(access.SystemScope);
        Assert.Null(access.TrustId);
        Assert.True(access.IsScoped);
        Assert.Equal([new TokenRole("51cc68287d524c759f47c811e6463340", "admin")], access.Roles);
        Assert.Equal(["3T2dc1CGQxyJsHdDu1xkcw"], access.AuditIds);

        Assert.Equal(13, access.Catalog.Services.Count);
        var compute = access.Catalog.Services.Single(s => s.Type == "compute");
        Assert.Equal("nova", compute.Name);
        Assert.Equal("a226b3eeb5594f50bf8b6df94636ed28", compute.Id);
        Assert.Equal(
            new CatalogEndpoint("d200b2509e1343e3887dcc465b4fa534", "public", "RegionOne", "RegionOne", "http://23.253.248.171:8774/v2.1/a6944d763bf64ee6a275f1263fae0352"),
            compute.Endpoints[2]);
        Assert.Equal("http://23.253.248.171:8774/v2.1/a6944d763bf64ee6a275f1263fae0352", access.Catalog.GetEndpoint(new EndpointFilter("compute")));
        Assert.Equal("http://example.com/identity_v2_admin/v2.0", access.Catalog.GetEndpoint(new EndpointFilter("identity", EndpointInterface.Admin, "RegionOne")));
    }

    [VectorFact]
    public void Unscoped_vector_has_user_and_no_scope_or_catalog()
    {
        var access = AccessInfo.FromTokenResponse("tok-u", Vectors.ReadText("auth-password-unscoped-response.json"));

        Assert.Equal(new DateTimeOffset(2015, 11, 6, 15, 32, 17, TimeSpan.Zero).AddTicks(8937690), access.ExpiresAt);
        Assert.Equal(new DateTimeOffset(2015, 11, 6, 14, 32, 17, TimeSpan.Zero).AddTicks(8937970), access.IssuedAt);
        Assert.Equal(new TokenUser("423f19a4ac1e4f48bbb4180756e6eb6c", "admin", "default", "Default"), access.User);
        Assert.Null(access.Project);
        Assert.Null(access.Domain);
        Assert.False(access.IsScoped);
        Assert.Empty(access.Roles);
        Assert.Equal(["ZzZwkUflQfygX7pdYDBCQQ"], access.AuditIds);
        Assert.True(access.Catalog.IsEmpty);
    }

    [VectorFact]
    public void Token_scoped_vector_has_token_method_and_catalog()
    {
        var access = AccessInfo.FromTokenResponse("tok-t", Vectors.ReadText("auth-token-scoped-response.json"));

        Assert.Equal(["token"], access.Methods);
        Assert.Equal(new DateTimeOffset(2015, 11, 5, 22, 0, 11, TimeSpan.Zero), access.ExpiresAt);
        Assert.Equal("5b50efd009b540559104ee3c03bbb2b7", access.Project?.Id);
        Assert.Equal("10a2e6e717a245d9acad3e5f97aeca3d", access.User?.Id);
        Assert.Equal(["wLc7nDMsQiKqf8VFU4ySpg"], access.AuditIds);
        Assert.Equal(13, access.Catalog.Services.Count);
        Assert.Equal("http://23.253.248.171:8080", access.Catalog.GetEndpoint(new EndpointFilter("object-store", EndpointInterface.Admin)));
    }

    [VectorFact]
    public void Catalog_vector_without_region_id_parses_and_matches_on_region()
    {
        var catalog = Vectors.ReadJson("get-service-catalog-response.json")["catalog"]!.DeepClone();
        var body = Fixtures.EditToken(t => t["catalog"] = catalog);

        var access = AccessInfo.FromTokenResponse("tok-c", body);

        var identity = Assert.Single(access.Catalog.Services);
        Assert.Equal(3, identity.Endpoints.Count);
        Assert.All(identity.Endpoints, e => Assert.Null(e.RegionId));
        Assert.Equal("http://localhost:5000", access.Catalog.GetEndpoint(new EndpointFilter("identity", EndpointInterface.Internal, "RegionOne")));
    }

    [VectorFact]
    public async Task Vector_response_through_password_auth_at_its_issue_time()
    {
        // The vector's token expired in 2015: read it with a clock set to its issue time.
        var time = new FakeTimeProvider(new DateTimeOffset(2015, 11, 6, 14, 32, 17, TimeSpan.Zero));
        using var cloud = new FakeCloud { TokenValue = _ => "ffe47524401e4d61adc7310f7e5b6191", TokenBody = _ => Vectors.ReadText("auth-password-unscoped-response.json") };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(new PasswordAuthOptions { AuthUrl = "http://example.com/identity/v3", UserId = "423f19a4ac1e4f48bbb4180756e6eb6c", Password = "devstacker" }, http, timeProvider: time);

        var access = await auth.GetAccessAsync();

        Assert.Equal("ffe47524401e4d61adc7310f7e5b6191", access.Token);
        Assert.Equal("admin", access.User?.Name);
        Assert.Equal(time.GetUtcNow(), access.RequestedAt);
    }

    [Fact]
    public void System_domain_and_trust_scopes_parse()
    {
        var system = AccessInfo.FromTokenResponse("t", Fixtures.EditToken(t => { t.Remove("project"); t["system"] = JsonNode.Parse("""{"all":true}"""); }));
        var domain = AccessInfo.FromTokenResponse("t", Fixtures.EditToken(t => { t.Remove("project"); t["domain"] = JsonNode.Parse("""{"id":"d-1","name":"Dom"}"""); }));
        var trust = AccessInfo.FromTokenResponse("t", Fixtures.EditToken(t => t["OS-TRUST:trust"] = JsonNode.Parse("""{"id":"tr-1","impersonation":false}""")));

        Assert.Equal("all", system.SystemScope);
        Assert.Null(system.Project);
        Assert.True(system.IsScoped);
        Assert.Equal(new TokenDomain("d-1", "Dom"), domain.Domain);
        Assert.Null(domain.Project);
        Assert.True(domain.IsScoped);
        Assert.Equal("tr-1", trust.TrustId);
    }

    [Fact]
    public void Fixture_body_parses_user_project_roles_and_audit_ids()
    {
        var access = AccessInfo.FromTokenResponse("tok", Fixtures.ProjectScopedBody);

        Assert.Equal(new TokenUser("u-1", "dcmanager", "default", "Default"), access.User);
        Assert.Equal(new TokenProject("p-1", "services", "default", "Default"), access.Project);
        Assert.Equal(["admin", "member"], access.Roles.Select(r => r.Name));
        Assert.Equal(["aud-1"], access.AuditIds);
        Assert.Equal(2, access.Catalog.Services.Count);
    }

    [Theory]
    [InlineData("2026-11-25T02:55:49.000000Z", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T02:55:49.123456Z", "2026-11-25T02:55:49.1234560+00:00")]
    [InlineData("2026-11-25T02:55:49Z", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T02:55:49", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T02:55:49.123456", "2026-11-25T02:55:49.1234560+00:00")]
    [InlineData("2026-11-25T04:55:49+02:00", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T04:55:49.500000+02:00", "2026-11-25T02:55:49.5000000+00:00")]
    [InlineData("2026-11-24T21:55:49-05:00", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T02:55:49+00:00", "2026-11-25T02:55:49.0000000+00:00")]
    [InlineData("2026-11-25T02:55:49.1234567Z", "2026-11-25T02:55:49.1234567+00:00")]
    [InlineData("2026-11-25T02:55:49.123456789Z", "2026-11-25T02:55:49.1234567+00:00")]
    [InlineData("2026-11-25T04:55:49.123456789+02:00", "2026-11-25T02:55:49.1234567+00:00")]
    [InlineData("2026-11-25T02:55:49.1Z", "2026-11-25T02:55:49.1000000+00:00")]
    [InlineData(" 2026-11-25T02:55:49Z ", "2026-11-25T02:55:49.0000000+00:00")]
    public void Timestamps_in_every_keystone_form_parse_to_utc(string text, string expected)
    {
        Assert.True(KeystoneTimestamp.TryParse(text, out var parsed));

        Assert.Equal(expected, parsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.Zero, parsed.Offset);

        var access = AccessInfo.FromTokenResponse("t", Fixtures.EditToken(t => { t["expires_at"] = text; t.Remove("issued_at"); }));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), access.ExpiresAt);
        Assert.Equal(TimeSpan.Zero, access.ExpiresAt.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not a date")]
    [InlineData("2026-11-25")]
    [InlineData("25/11/2026 02:55:49")]
    [InlineData("2026-13-25T02:55:49Z")]
    [InlineData("2026-11-25 02:55:49Z")]
    [InlineData("1764039349")]
    public void Timestamps_keystone_never_writes_are_refused(string text)
    {
        Assert.False(KeystoneTimestamp.TryParse(text, out _));
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "missing expires_at", Fixtures.EditToken(t => t.Remove("expires_at")) },
        { "null expires_at", Fixtures.EditToken(t => t["expires_at"] = null) },
        { "unparseable expires_at", Fixtures.EditToken(t => t["expires_at"] = "tomorrow") },
        { "numeric expires_at", Fixtures.EditToken(t => t["expires_at"] = 1764039349) },
        { "unparseable issued_at", Fixtures.EditToken(t => t["issued_at"] = "yesterday") },
        { "expires before issued", Fixtures.EditToken(t => t["issued_at"] = "2099-01-01T00:00:01Z") },
        { "expires at issue", Fixtures.EditToken(t => t["issued_at"] = "2099-01-01T00:00:00Z") },
        { "no token key", """{"access":{"expires_at":"2099-01-01T00:00:00Z"}}""" },
        { "token is null", """{"token":null}""" },
        { "json null", "null" },
        { "not json", "<html><body>502 Bad Gateway</body></html>" },
        { "empty body", "" },
        { "truncated json", """{"token":{"expires_at":"2099-01-01T00:00:00Z" """ },
        { "json array", "[]" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Unusable_token_bodies_raise_invalid_response(string name, string body)
    {
        using var cloud = new FakeCloud { TokenValue = _ => "tok-bad-" + name.Length, TokenBody = _ => body };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => auth.GetAccessAsync().AsTask());

        Assert.Equal(Fixtures.TokenUrl, ex.RequestUri?.AbsoluteUri);
        Assert.DoesNotContain("tok-bad", ex.ToString(), StringComparison.Ordinal);
        Assert.Throws<InvalidResponseException>(() => AccessInfo.FromTokenResponse("tok", body));
    }

    [Fact]
    public async Task Missing_subject_token_header_raises_invalid_response()
    {
        using var cloud = new FakeCloud
        {
            TokenReply = _ => new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Fixtures.ProjectScopedBody, Encoding.UTF8, "application/json") },
        };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("X-Subject-Token", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_over_max_response_bytes_with_content_length_is_refused()
    {
        var length = Encoding.UTF8.GetByteCount(Fixtures.ProjectScopedBody);
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var exact = Fixtures.Options();
        exact.MaxResponseBytes = length;
        var tooSmall = Fixtures.Options();
        tooSmall.MaxResponseBytes = length - 1;

        var ok = await new PasswordAuth(exact, http).GetAccessAsync();
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => new PasswordAuth(tooSmall, http).GetAccessAsync().AsTask());

        Assert.Equal("tok-1", ok.Token);
        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_over_max_response_bytes_without_content_length_is_refused_while_streaming()
    {
        var padded = Fixtures.EditToken(t => t["padding"] = new string('x', 100_000));
        using var cloud = new FakeCloud
        {
            TokenReply = _ =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.Created)
                {
                    Content = new StreamContent(new ForwardOnlyStream(Encoding.UTF8.GetBytes(padded))),
                };
                response.Headers.TryAddWithoutValidation("X-Subject-Token", "tok-big");
                return response;
            },
        };
        using var http = new HttpClient(cloud);
        var options = Fixtures.Options();
        options.MaxResponseBytes = 10_000;

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => new PasswordAuth(options, http).GetAccessAsync().AsTask());

        Assert.Contains("MaxResponseBytes", ex.Message, StringComparison.Ordinal);
        Assert.IsType<BoundedReadStream.LimitExceededException>(ex.InnerException);
    }

    [Fact]
    public async Task Token_already_expired_raises_invalid_response()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var body = Fixtures.EditToken(t =>
        {
            t["issued_at"] = "2029-12-31T22:00:00.000000Z";
            t["expires_at"] = "2029-12-31T23:00:00.000000Z";
        });
        using var cloud = new FakeCloud { TokenBody = _ => body, OnRequest = _ => time.Advance(TimeSpan.FromHours(2)) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http, timeProvider: time);

        // Lifetime 1 h, but the answer took 2 h (local clock): expired on arrival.
        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("already expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_without_issued_at_and_past_expiry_raises_invalid_response()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var body = Fixtures.EditToken(t =>
        {
            t.Remove("issued_at");
            t["expires_at"] = "2029-12-31T23:59:59Z";
        });
        using var cloud = new FakeCloud { TokenBody = _ => body };
        using var http = new HttpClient(cloud);

        await Assert.ThrowsAsync<InvalidResponseException>(() => new PasswordAuth(Fixtures.Options(), http, timeProvider: time).GetAccessAsync().AsTask());
    }

    [Theory]
    [InlineData(5)]   // Keystone's clock 5 h ahead of ours
    [InlineData(0)]
    [InlineData(-5)]  // 5 h behind: expires_at is already past in our clock, but the token is fresh
    public async Task Local_expiry_is_requested_at_plus_lifetime(int keystoneAheadHours)
    {
        var now = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(now);
        var issued = now.AddHours(keystoneAheadHours);
        var body = Fixtures.EditToken(t =>
        {
            t["issued_at"] = issued.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            t["expires_at"] = issued.AddHours(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        });

        // The answer takes 3 s: the lifetime is counted from when we asked, never later.
        using var cloud = new FakeCloud { TokenBody = _ => body, OnRequest = _ => time.Advance(TimeSpan.FromSeconds(3)) };
        using var http = new HttpClient(cloud);
        var access = await new PasswordAuth(Fixtures.Options(), http, timeProvider: time).GetAccessAsync();

        Assert.Equal(now, access.RequestedAt);
        Assert.Equal(issued, access.IssuedAt);
        Assert.Equal(issued.AddHours(1), access.ExpiresAt);
        Assert.Equal(now.AddHours(1), access.LocalExpiresAt);
        Assert.False(access.WillExpireWithin(TimeSpan.FromMinutes(59), time));
        Assert.True(access.WillExpireWithin(TimeSpan.FromMinutes(60), time));
    }

    [Fact]
    public void Local_expiry_without_issued_at_or_requested_at_is_expires_at()
    {
        var noIssued = AccessInfo.FromTokenResponse("t", Fixtures.EditToken(t => t.Remove("issued_at")), DateTimeOffset.UnixEpoch);
        var noRequested = AccessInfo.FromTokenResponse("t", Fixtures.ProjectScopedBody);

        Assert.Equal(noIssued.ExpiresAt, noIssued.LocalExpiresAt);
        Assert.Equal(noRequested.ExpiresAt, noRequested.LocalExpiresAt);
    }

    [Fact]
    public void Unknown_fields_and_services_without_type_are_skipped()
    {
        var body = Fixtures.EditToken(t =>
        {
            t["is_admin_project"] = true;
            t["application_credential"] = JsonNode.Parse("""{"id":"x"}""");
            t["catalog"]!.AsArray().Add(JsonNode.Parse("""{"name":"untyped","endpoints":[{"interface":"public","url":"http://x"}]}"""));
        });

        var access = AccessInfo.FromTokenResponse("t", body);

        Assert.Equal(["identity", "platform"], access.Catalog.Services.Select(s => s.Type));
    }

    /// <summary>A body whose length is unknown up front, as with chunked transfer.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
