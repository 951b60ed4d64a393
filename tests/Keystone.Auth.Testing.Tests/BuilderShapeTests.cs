using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Testing.Tests;

/// <summary>Every shape the builder offers parses with the library's own reader and says what was asked.</summary>
public sealed class BuilderShapeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static JsonNode Token(KeystoneTokenResponse r) => JsonNode.Parse(r.Json)!["token"]!;

    [Fact]
    public void Project_scope_with_roles_and_catalog()
    {
        var r = new KeystoneTokenBuilder(new FakeTimeProvider(Now))
            .WithUser("u1", "dcmanager", "d1", "Dom")
            .ForProject("p1", "services", "d2", "Other")
            .WithoutRoles().WithRole("admin", "r1").WithRole("member")
            .WithStandardEndpoints("platform", "https://pub:6385/v1", "https://int:6385/v1", "https://adm:6385/v1", "subcloud1", "sysinv")
            .WithEndpoint("identity", EndpointInterface.Public, "https://ks:5000/v3", region: "RegionOne")
            .Build();

        var access = r.ToAccessInfo();
        Assert.Equal(r.TokenId, access.Token);
        Assert.Equal(new TokenUser("u1", "dcmanager", "d1", "Dom"), access.User);
        Assert.Equal(new TokenProject("p1", "services", "d2", "Other"), access.Project);
        Assert.Equal(["admin", "member"], access.Roles.Select(x => x.Name));
        Assert.Equal("r1", access.Roles[0].Id);
        Assert.Equal(["password"], access.Methods);
        Assert.Equal(Now, access.IssuedAt);
        Assert.Equal(Now.AddHours(1), access.ExpiresAt);
        Assert.Equal("https://adm:6385/v1", access.Catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, RegionName: "subcloud1")));
        Assert.Equal("https://int:6385/v1", access.Catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Internal)));
        Assert.Equal("https://ks:5000/v3", access.Catalog.GetEndpoint(new EndpointFilter("identity", EndpointInterface.Public)));
        var platform = Assert.Single(access.Catalog.Services, s => s.Type == "platform");
        Assert.Equal("sysinv", platform.Name);
        Assert.All(platform.Endpoints, e => Assert.Equal(("subcloud1", "subcloud1"), (e.Region, e.RegionId)));
        Assert.Equal(3, platform.Endpoints.Count);
    }

    [Fact]
    public void Domain_scope()
    {
        var access = new KeystoneTokenBuilder().ForDomain("d9", "Fleet").Build().ToAccessInfo();
        Assert.Equal(new TokenDomain("d9", "Fleet"), access.Domain);
        Assert.Null(access.Project);
        Assert.True(access.IsScoped);
    }

    [Fact]
    public void System_scope()
    {
        var r = new KeystoneTokenBuilder().ForSystem().Build();
        Assert.Equal("all", r.ToAccessInfo().SystemScope);
        Assert.True((bool)Token(r)["system"]!["all"]!);
        Assert.Null(Token(r)["project"]);
    }

    [Fact]
    public void Trust_scope_keeps_the_trusts_project()
    {
        var r = new KeystoneTokenBuilder().ForProject("p7", "trusted").ForTrust("t1", "trustee", "trustor", impersonation: true).Build();
        var access = r.ToAccessInfo();
        Assert.Equal("t1", access.TrustId);
        Assert.Equal("p7", access.Project?.Id);
        var trust = Token(r)["OS-TRUST:trust"]!;
        Assert.Equal("trustee", (string?)trust["trustee_user"]!["id"]);
        Assert.Equal("trustor", (string?)trust["trustor_user"]!["id"]);
        Assert.True((bool)trust["impersonation"]!);
    }

    [Fact]
    public void Unscoped_has_no_scope_roles_or_catalog()
    {
        var r = new KeystoneTokenBuilder().WithStandardEndpoints("platform", "https://x/v1").Unscoped().Build();
        var access = r.ToAccessInfo();
        Assert.False(access.IsScoped);
        Assert.Empty(access.Roles);
        Assert.True(access.Catalog.IsEmpty);
        Assert.Null(Token(r)["catalog"]);
        Assert.Null(Token(r)["roles"]);
    }

    [Fact]
    public void Scopes_replace_each_other()
    {
        var access = new KeystoneTokenBuilder().ForTrust("t", "a", "b").ForSystem().ForDomain("d").Build().ToAccessInfo();
        Assert.Equal("d", access.Domain?.Id);
        Assert.Null(access.SystemScope);
        Assert.Null(access.TrustId);
        Assert.Null(access.Project);
    }

    [Fact]
    public void Application_credential()
    {
        var r = new KeystoneTokenBuilder().WithApplicationCredential("ac1", "monitoring", restricted: false).Build();
        var ac = Token(r)["application_credential"]!;
        Assert.Equal(("ac1", "monitoring", false), ((string?)ac["id"], (string?)ac["name"], (bool)ac["restricted"]!));
        Assert.Equal(["application_credential"], r.ToAccessInfo().Methods);
    }

    [Fact]
    public void Federated_user()
    {
        var r = new KeystoneTokenBuilder().WithUser("fed-user", "alice", "Federated", "Federated").Federated("idp1", "saml2", "g1", "g2").Build();
        var fed = Token(r)["user"]!["OS-FEDERATION"]!;
        Assert.Equal("idp1", (string?)fed["identity_provider"]!["id"]);
        Assert.Equal("saml2", (string?)fed["protocol"]!["id"]);
        Assert.Equal(["g1", "g2"], fed["groups"]!.AsArray().Select(g => (string?)g!["id"]));
        var access = r.ToAccessInfo();
        Assert.Equal(["saml2"], access.Methods);
        Assert.Equal("alice", access.User?.Name);
    }

    [Fact]
    public void Audit_ids_and_methods_as_given()
    {
        var access = new KeystoneTokenBuilder().WithAuditIds("a1", "chain").WithMethods("token", "password").Build().ToAccessInfo();
        Assert.Equal(["a1", "chain"], access.AuditIds);
        Assert.Equal(["token", "password"], access.Methods);
        Assert.Single(new KeystoneTokenBuilder().Build().ToAccessInfo().AuditIds);
    }

    [Fact]
    public void Without_catalog_omits_the_key()
    {
        var r = new KeystoneTokenBuilder().WithStandardEndpoints("platform", "https://x/v1").WithoutCatalog().Build();
        Assert.Null(Token(r)["catalog"]);
        Assert.True(r.ToAccessInfo().Catalog.IsEmpty);
    }

    [Fact]
    public void Times_come_from_the_clock_at_build_and_can_be_fixed()
    {
        var clock = new FakeTimeProvider(Now);
        var builder = new KeystoneTokenBuilder(clock).WithLifetime(TimeSpan.FromMinutes(10));
        var first = builder.Build();
        clock.Advance(TimeSpan.FromMinutes(3));
        var second = builder.Build();
        Assert.Equal((Now, Now.AddMinutes(10)), (first.IssuedAt, first.ExpiresAt));
        Assert.Equal(Now.AddMinutes(3), second.ToAccessInfo().IssuedAt);
        Assert.Equal("2026-03-01T12:13:00.000000Z", (string?)Token(second)["expires_at"]);

        var fixedTimes = builder.WithTimes(Now.AddDays(-1), Now.AddDays(-1).AddHours(2)).Build().ToAccessInfo();
        Assert.Equal(Now.AddDays(-1).AddHours(2), fixedTimes.ExpiresAt);
    }

    [Fact]
    public void Builders_are_immutable_and_token_ids_fresh_per_build()
    {
        var baseBuilder = new KeystoneTokenBuilder().ForProject("p1");
        var derived = baseBuilder.ForDomain("d1").WithRole("admin").WithStandardEndpoints("platform", "https://x/v1");
        var fromBase = baseBuilder.Build().ToAccessInfo();
        Assert.Equal("p1", fromBase.Project?.Id);
        Assert.Single(fromBase.Roles);
        Assert.True(fromBase.Catalog.IsEmpty);
        Assert.Equal("d1", derived.Build().ToAccessInfo().Domain?.Id);
        Assert.NotEqual(baseBuilder.Build().TokenId, baseBuilder.Build().TokenId);
        Assert.Equal("fixed", baseBuilder.WithTokenId("fixed").Build().TokenId);
    }

    [Fact]
    public void Http_response_is_what_keystone_sends_and_tostring_hides_the_token()
    {
        var r = new KeystoneTokenBuilder().Build();
        using var response = r.CreateHttpResponse();
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(r.TokenId, Assert.Single(response.Headers.GetValues("X-Subject-Token")));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(r.TokenId, r.ToString(), StringComparison.Ordinal);
        Assert.Contains("{SHA256}", r.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_is_refused_naming_the_argument()
    {
        var b = new KeystoneTokenBuilder();
        Assert.Equal("id", Assert.ThrowsAny<ArgumentException>(() => b.ForProject("")).ParamName);
        Assert.Equal("lifetime", Assert.ThrowsAny<ArgumentException>(() => b.WithLifetime(TimeSpan.Zero)).ParamName);
        Assert.Equal("expiresAt", Assert.ThrowsAny<ArgumentException>(() => b.WithTimes(Now, Now)).ParamName);
        Assert.Equal("interface", Assert.ThrowsAny<ArgumentException>(() => b.WithEndpoint("x", (EndpointInterface)9, "https://x")).ParamName);
    }
}
