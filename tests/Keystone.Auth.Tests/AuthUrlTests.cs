namespace Keystone.Auth.Tests;

/// <summary>
/// AuthUrl mistakes (issue 10, items 4 and 10): each is understood and posts to
/// the right token URL (checked at the handler), or refused before any call
/// with a message that names AuthUrl and says what to write, never echoing a
/// password.
/// </summary>
public sealed class AuthUrlTests
{
    public static TheoryData<string, string> Understood => new()
    {
        { "https://keystone.test:5001/v3\n", "https://keystone.test:5001/v3/auth/tokens" },
        { "https://keystone.test:5001/v3 ", "https://keystone.test:5001/v3/auth/tokens" },
        { "\t https://keystone.test:5001/v3/\r\n", "https://keystone.test:5001/v3/auth/tokens" },
        { "https://keystone.test:5001", "https://keystone.test:5001/v3/auth/tokens" },
        { "https://keystone.test:5001/identity", "https://keystone.test:5001/identity/v3/auth/tokens" },
        { "https://keystone.test:5001/V3", "https://keystone.test:5001/V3/auth/tokens" },
        { "http://keystone.test/%76%33", "http://keystone.test/v3/auth/tokens" },
    };

    [Theory]
    [MemberData(nameof(Understood))]
    public async Task Understood_auth_urls_post_to_exactly_one_token_path(string authUrl, string expected)
    {
        var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(authUrl), http);

        await auth.GetAccessAsync();

        Assert.Equal(expected, Assert.Single(cloud.TokenPosts).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task From_environment_trims_a_url_read_from_a_file()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "https://keystone.test:5001/v3\n",
            ["OS_USERNAME"] = "admin",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PASSWORD"] = "pw",
        };
        var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);

        var options = PasswordAuthOptions.FromEnvironment(n => env.GetValueOrDefault(n));
        await new PasswordAuth(options, http).GetAccessAsync();

        Assert.Equal("https://keystone.test:5001/v3", options.AuthUrl);
        Assert.Equal("https://keystone.test:5001/v3/auth/tokens", Assert.Single(cloud.TokenPosts).Uri.AbsoluteUri);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "https://keystone.test:5001/v2.0", "AuthUrl names the Identity v2 API, which this library does not speak (it uses v3): write https://keystone.test:5001/v3" },
        { "https://keystone.test:5001/v2.0/", "AuthUrl names the Identity v2 API, which this library does not speak (it uses v3): write https://keystone.test:5001/v3" },
        { "https://keystone.test:5001/identity/v2", "AuthUrl names the Identity v2 API, which this library does not speak (it uses v3): write https://keystone.test:5001/identity/v3" },
        { "https://keystone.test:5001/v3/auth/tokens", "AuthUrl must be the identity endpoint, not the token URL: write https://keystone.test:5001/v3" },
        { "https://keystone.test:5001/v3/auth/tokens/", "AuthUrl must be the identity endpoint, not the token URL: write https://keystone.test:5001/v3" },
        { "https://keystone.test:5001/v3 /x", "AuthUrl must not contain whitespace or control characters inside the URL" },
        { "https://keystone.test:5001/v3\n/x", "AuthUrl must not contain whitespace or control characters inside the URL" },
        { "   \n", "AuthUrl is required" },
        { "https://admin:hunter2@keystone.test:5001/v3", "AuthUrl must not contain a user name or password (user:password@); set the credential options instead and write https://keystone.test:5001/v3" },
        { "https://hunter2@keystone.test/v3", "AuthUrl must not contain a user name or password (user:password@); set the credential options instead and write https://keystone.test/v3" },
        { "ftp://admin:hunter2@keystone.test/v3", "AuthUrl must be an absolute http or https URL" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Refused_auth_urls_fail_before_any_call_saying_what_to_write(string authUrl, string message)
    {
        var handler = new NoCallsHandler();
        using var http = new HttpClient(handler);

        var ex = Assert.Throws<InvalidOptionsException>(() => new PasswordAuth(Fixtures.Options(authUrl), http));

        Assert.Equal([message], ex.Failures);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }
}
