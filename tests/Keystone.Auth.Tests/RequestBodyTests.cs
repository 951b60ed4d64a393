using System.Text.Json.Nodes;

namespace Keystone.Auth.Tests;

/// <summary>
/// The token request PasswordAuth sends, byte for byte where it matters: the
/// JSON body of every variant of keystoneauth's v3.Password (compared semantically), the
/// URL, and the headers.
/// </summary>
public sealed class RequestBodyTests
{
    private const string Pw = "pw-1";

    private static readonly Dictionary<string, (Action<PasswordAuthOptions> Edit, string Expected)> s_cases = new()
    {
        ["user by id, no scope"] = (
            o => o.UserId = "u-1",
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}}}}"""),
        ["user by name + domain id"] = (
            o => { o.Username = "alice"; o.UserDomainId = "d-1"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","domain":{"id":"d-1"},"password":"pw-1"}}}}}"""),
        ["user by name + domain name"] = (
            o => { o.Username = "alice"; o.UserDomainName = "Default"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice","domain":{"name":"Default"},"password":"pw-1"}}}}}"""),
        ["user id wins over name"] = (
            o => { o.UserId = "u-1"; o.Username = "alice"; o.UserDomainName = "Default"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}}}}"""),
        ["project by id"] = (
            o => { o.UserId = "u-1"; o.ProjectId = "p-1"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"project":{"id":"p-1"}}}}"""),
        ["project by id ignores project domain"] = (
            o => { o.UserId = "u-1"; o.ProjectId = "p-1"; o.ProjectDomainName = "Default"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"project":{"id":"p-1"}}}}"""),
        ["project by name + domain id"] = (
            o => { o.UserId = "u-1"; o.ProjectName = "services"; o.ProjectDomainId = "default"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"project":{"name":"services","domain":{"id":"default"}}}}}"""),
        ["project by name + domain name"] = (
            o => { o.Username = "dcmanager"; o.UserDomainName = "Default"; o.ProjectName = "services"; o.ProjectDomainName = "Default"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"dcmanager","domain":{"name":"Default"},"password":"pw-1"}}},"scope":{"project":{"name":"services","domain":{"name":"Default"}}}}}"""),
        ["domain by id"] = (
            o => { o.UserId = "u-1"; o.DomainId = "d-9"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"domain":{"id":"d-9"}}}}"""),
        ["domain by name"] = (
            o => { o.UserId = "u-1"; o.DomainName = "Other"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"domain":{"name":"Other"}}}}"""),
        ["system all"] = (
            o => { o.UserId = "u-1"; o.SystemScope = "all"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"system":{"all":true}}}}"""),
        ["trust"] = (
            o => { o.UserId = "u-1"; o.TrustId = "t-1"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":{"OS-TRUST:trust":{"id":"t-1"}}}}"""),
        ["explicit unscoped"] = (
            o => { o.UserId = "u-1"; o.Unscoped = true; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"pw-1"}}},"scope":"unscoped"}}"""),
        ["escaped password"] = (
            o => { o.UserId = "u-1"; o.Password = "p\"w\\ä</script>\n"; },
            """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u-1","password":"p\"w\\ä</script>\n"}}}}}"""),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Body_matches_keystoneauth_for_every_variant(string name)
    {
        var (edit, expected) = s_cases[name];
        var options = new PasswordAuthOptions { AuthUrl = Fixtures.AuthUrl, Password = Pw };
        edit(options);

        var sent = await SendOneAsync(options);

        AssertJsonEqual(JsonNode.Parse(expected)!, JsonNode.Parse(sent.Body!)!);
    }

    [Theory]
    [InlineData("user by id, no scope")]
    [InlineData("user by name + domain name")]
    public async Task Without_a_scope_the_body_has_no_scope_key(string name)
    {
        var options = new PasswordAuthOptions { AuthUrl = Fixtures.AuthUrl, Password = Pw };
        s_cases[name].Edit(options);

        var sent = await SendOneAsync(options);

        var auth = JsonNode.Parse(sent.Body!)!["auth"]!.AsObject();
        Assert.False(auth.ContainsKey("scope"));
        Assert.Equal(["identity"], auth.Select(p => p.Key));
    }

    public static TheoryData<string, string, string> VectorCases => new()
    {
        { "auth-password-unscoped-request.json", "423f19a4ac1e4f48bbb4180756e6eb6c", "" },
        { "auth-password-explicit-unscoped-request.json", "ee4dfb6e5540447cb3741905149d9b6e", "unscoped" },
        { "auth-password-unscoped-request-with-domain.json", "", "" },
        { "auth-password-system-scoped-request-with-domain.json", "", "system" },
    };

    [VectorTheory]
    [MemberData(nameof(VectorCases))]
    public async Task Body_matches_the_api_reference_vector(string vector, string userId, string scope)
    {
        var options = new PasswordAuthOptions { AuthUrl = "http://example.com/identity/v3", Password = "devstacker" };
        if (userId.Length > 0)
        {
            options.UserId = userId;
        }
        else
        {
            options.Username = "admin";
            options.UserDomainName = "Default";
        }

        options.Unscoped = scope == "unscoped";
        options.SystemScope = scope == "system" ? "all" : null;

        var sent = await SendOneAsync(options);

        AssertJsonEqual(Vectors.ReadJson(vector), JsonNode.Parse(sent.Body!)!);
    }

    [Theory]
    [InlineData("https://keystone.test:5001/v3", true, "https://keystone.test:5001/v3/auth/tokens")]
    [InlineData("https://keystone.test:5001/v3/", true, "https://keystone.test:5001/v3/auth/tokens")]
    [InlineData("https://keystone.test:5001", true, "https://keystone.test:5001/v3/auth/tokens")]
    [InlineData("https://keystone.test:5001/", true, "https://keystone.test:5001/v3/auth/tokens")]
    [InlineData("http://keystone.test/identity", true, "http://keystone.test/identity/v3/auth/tokens")]
    [InlineData("http://keystone.test/identity/", true, "http://keystone.test/identity/v3/auth/tokens")]
    [InlineData("http://keystone.test/identity/v3", true, "http://keystone.test/identity/v3/auth/tokens")]
    [InlineData("http://keystone.test:5000/V3", true, "http://keystone.test:5000/V3/auth/tokens")]
    [InlineData("https://keystone.test:5001/v3", false, "https://keystone.test:5001/v3/auth/tokens?nocatalog")]
    [InlineData("https://keystone.test:5001", false, "https://keystone.test:5001/v3/auth/tokens?nocatalog")]
    public async Task Token_url_appends_v3_when_missing_and_nocatalog_when_asked(string authUrl, bool catalog, string expected)
    {
        var options = new PasswordAuthOptions { AuthUrl = authUrl, UserId = "u-1", Password = Pw, IncludeCatalog = catalog };
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(options, http);

        await auth.GetAccessAsync();

        Assert.Equal(expected, auth.TokenUrl.AbsoluteUri);
        var only = Assert.Single(cloud.Requests); // no discovery request before the POST
        Assert.Equal(HttpMethod.Post, only.Method);
        Assert.Equal(expected, only.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Headers_are_json_with_a_user_agent_and_no_token()
    {
        var sent = await SendOneAsync(Fixtures.Options());

        Assert.Equal("application/json", sent.Header("Accept"));
        Assert.Equal("application/json", sent.ContentType);
        var agent = sent.Header("User-Agent");
        Assert.NotNull(agent);
        Assert.StartsWith("Keystone.Auth/", agent, StringComparison.Ordinal);
        Assert.Null(sent.Header("X-Auth-Token"));
        Assert.Null(sent.Header("Authorization"));
    }

    [Fact]
    public async Task Each_call_is_one_post_with_the_same_body()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var first = await auth.GetAccessAsync();
        var second = await auth.GetAccessAsync();

        Assert.Equal("tok-1", first.Token);
        Assert.Equal("tok-2", second.Token);
        Assert.Equal(2, cloud.TokenPosts.Count);
        Assert.Equal(cloud.TokenPosts[0].BodyText, cloud.TokenPosts[1].BodyText);
    }

    [Fact]
    public async Task Later_changes_to_the_options_object_have_no_effect()
    {
        var options = Fixtures.Options();
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(options, http);

        options.Password = "changed";
        options.AuthUrl = "https://elsewhere.test/v3";
        await auth.GetAccessAsync();

        var sent = Assert.Single(cloud.TokenPosts);
        Assert.Equal(Fixtures.TokenUrl, sent.Uri.AbsoluteUri);
        Assert.Equal(Fixtures.Password, JsonNode.Parse(sent.Body!)!["auth"]!["identity"]!["password"]!["user"]!["password"]!.GetValue<string>());
    }

    private static async Task<RecordedRequest> SendOneAsync(PasswordAuthOptions options)
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(options, http);

        await auth.GetAccessAsync();

        return Assert.Single(cloud.Requests);
    }

    private static void AssertJsonEqual(JsonNode expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\n   actual {actual.ToJsonString()}");
}
