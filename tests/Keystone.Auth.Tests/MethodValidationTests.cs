namespace Keystone.Auth.Tests;

/// <summary>
/// The new methods refuse bad options in their constructors, before any HTTP
/// call, naming the option; a secret is never in the message.
/// </summary>
public sealed class MethodValidationTests
{
    private const string Secret = "app-cred-s3cret";

    public static TheoryData<string, string> ApplicationCredentialCases => new()
    {
        { "no secret", "ApplicationCredentialSecret is required" },
        { "neither id nor name", "set ApplicationCredentialId, or ApplicationCredentialName with its user" },
        { "id and name", "set ApplicationCredentialId or ApplicationCredentialName, not both" },
        { "name without user", "ApplicationCredentialName requires UserId, or Username with UserDomainId or UserDomainName (names are unique per user)" },
        { "name with username but no domain", "Username requires UserDomainId or UserDomainName" },
        { "name with username and both domains", "set UserDomainId or UserDomainName, not both" },
        { "no auth url", "AuthUrl is required" },
    };

    [Theory]
    [MemberData(nameof(ApplicationCredentialCases))]
    public void Application_credential_refuses_bad_options(string name, string message)
    {
        var options = new ApplicationCredentialAuthOptions { AuthUrl = Fixtures.AuthUrl, ApplicationCredentialId = "ac-1", ApplicationCredentialSecret = Secret };
        switch (name)
        {
            case "no secret": options.ApplicationCredentialSecret = null; break;
            case "neither id nor name": options.ApplicationCredentialId = null; break;
            case "id and name": options.ApplicationCredentialName = "monitoring"; break;
            case "name without user": options.ApplicationCredentialId = null; options.ApplicationCredentialName = "monitoring"; break;
            case "name with username but no domain": options.ApplicationCredentialId = null; options.ApplicationCredentialName = "monitoring"; options.Username = "u"; break;
            case "name with username and both domains":
                options.ApplicationCredentialId = null;
                options.ApplicationCredentialName = "monitoring";
                options.Username = "u";
                options.UserDomainId = "d";
                options.UserDomainName = "D";
                break;
            case "no auth url": options.AuthUrl = null; break;
        }

        AssertRefused(() => new ApplicationCredentialAuth(options, NoCalls(out _)), nameof(ApplicationCredentialAuthOptions), message);
    }

    [Fact]
    public void Application_credential_options_offer_no_scope()
    {
        // Keystone refuses a scoped application-credential request, so the
        // options cannot even express one.
        Assert.Null(typeof(ApplicationCredentialAuthOptions).GetProperty("ProjectId"));
        Assert.False(typeof(ScopedIdentityOptions).IsAssignableFrom(typeof(ApplicationCredentialAuthOptions)));
    }

    [Theory]
    [InlineData(null, "Token is required")]
    [InlineData("", "Token is required")]
    public void Token_auth_requires_a_token(string? token, string message) =>
        AssertRefused(() => new TokenAuth(new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = token }, NoCalls(out _)), nameof(TokenAuthOptions), message);

    [Fact]
    public void Token_auth_checks_its_scope_like_password()
    {
        var options = new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = Secret, ProjectId = "p", DomainId = "d" };

        AssertRefused(() => new TokenAuth(options, NoCalls(out _)), nameof(TokenAuthOptions),
            "Authentication cannot be scoped to multiple targets (project, domain); pick one of project, domain, system, trust or unscoped");
    }

    public static TheoryData<string?, string?, string> FixedTokenCases => new()
    {
        { null, "https://sysinv.test:6385/v1", "Token is required" },
        { "tok\r\nX-Injected: 1", "https://sysinv.test:6385/v1", "Token must be visible ASCII only (no spaces, control characters or non-ASCII): it is sent as the X-Auth-Token header" },
        { "tök", "https://sysinv.test:6385/v1", "Token must be visible ASCII only (no spaces, control characters or non-ASCII): it is sent as the X-Auth-Token header" },
        { Secret, null, "Endpoint is required" },
        { Secret, "sysinv/v1", "Endpoint must be an absolute http or https URL, got 'sysinv/v1'" },
        { Secret, "https://admin:pw@sysinv.test/v1", "Endpoint must not contain a user name or password (user:password@); set the credential options instead and write https://sysinv.test/v1" },
    };

    [Theory]
    [MemberData(nameof(FixedTokenCases))]
    public void Fixed_token_refuses_bad_options(string? token, string? endpoint, string message) =>
        AssertRefused(() => new FixedTokenAuth(new FixedTokenAuthOptions { Token = token, Endpoint = endpoint }), nameof(FixedTokenAuthOptions), message);

    [Fact]
    public void Options_to_string_never_shows_a_secret()
    {
        var appCred = new ApplicationCredentialAuthOptions { AuthUrl = Fixtures.AuthUrl, ApplicationCredentialId = "ac-1", ApplicationCredentialSecret = Secret }.ToString();
        var token = new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = Secret, ProjectId = "p-1" }.ToString();
        var fixedToken = new FixedTokenAuthOptions { Token = Secret, Endpoint = "https://h/v1" }.ToString();
        var plugin = new TokenAuth(new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = Secret }, NoCalls(out _)).ToString();

        foreach (var text in new[] { appCred, token, fixedToken, plugin })
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("ApplicationCredentialSecret = ***", appCred, StringComparison.Ordinal);
        Assert.Contains("ProjectId = p-1", token, StringComparison.Ordinal);
        Assert.Contains("Token = ***", fixedToken, StringComparison.Ordinal);
    }

    [Fact]
    public void A_generic_serializer_never_sees_a_secret()
    {
        // What a structured logger does when it destructures an object.
        var texts = new[]
        {
            System.Text.Json.JsonSerializer.Serialize(new ApplicationCredentialAuthOptions { AuthUrl = Fixtures.AuthUrl, ApplicationCredentialId = "ac-1", ApplicationCredentialSecret = Secret }),
            System.Text.Json.JsonSerializer.Serialize(new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = Secret }),
            System.Text.Json.JsonSerializer.Serialize(new FixedTokenAuthOptions { Token = Secret, Endpoint = "https://h/v1" }),
        };

        foreach (var text in texts)
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("ac-1", texts[0], StringComparison.Ordinal);
    }

    [Fact]
    public void From_environment_reads_each_methods_variables()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "https://keystone.test:5001/v3\n",
            ["OS_APPLICATION_CREDENTIAL_ID"] = "ac-1",
            ["OS_APPLICATION_CREDENTIAL_NAME"] = "monitoring",
            ["OS_APPLICATION_CREDENTIAL_SECRET"] = Secret,
            ["OS_USER_ID"] = "u-1",
            ["OS_TOKEN"] = "tok-1",
            ["OS_PROJECT_NAME"] = "services",
            ["OS_PROJECT_DOMAIN_NAME"] = "Default",
        };

        var appCred = ApplicationCredentialAuthOptions.FromEnvironment(n => env.GetValueOrDefault(n));
        var token = TokenAuthOptions.FromEnvironment(n => env.GetValueOrDefault(n));

        Assert.Equal("https://keystone.test:5001/v3", appCred.AuthUrl);
        Assert.Equal(("ac-1", "monitoring", Secret, "u-1"), (appCred.ApplicationCredentialId, appCred.ApplicationCredentialName, appCred.ApplicationCredentialSecret, appCred.UserId));
        Assert.Equal(("https://keystone.test:5001/v3", "tok-1", "services", "Default"), (token.AuthUrl, token.Token, token.ProjectName, token.ProjectDomainName));
    }

    private static HttpClient NoCalls(out NoCallsHandler handler)
    {
        handler = new NoCallsHandler();
        return new HttpClient(handler);
    }

    private static void AssertRefused(Func<object> create, string optionsType, string message)
    {
        var ex = Assert.Throws<InvalidOptionsException>(create);

        Assert.Equal([message], ex.Failures);
        Assert.Equal(optionsType, ex.OptionsType);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }
}
