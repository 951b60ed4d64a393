using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// The token requests of TOTP alone and of password + TOTP, byte for byte,
/// written by hand from keystoneauth's shapes (<c>totp.py</c>,
/// <c>multi_factor.py</c>): <c>{"totp":{"user":{"id"|"name"+"domain","passcode"}}}</c>.
/// The passcode is the RFC 6238 vector for the fake clock, so it is proven to
/// come from the secret and the plugin's clock at request time.
/// </summary>
public sealed class TotpRequestBodyTests
{
    private const string AuthUrl = "http://example.com/identity/v3";

    [Fact]
    public async Task Totp_by_user_id_with_a_project_computes_the_passcode_from_the_secret_and_clock()
    {
        var body = await SendAsync((http, time) => new TotpAuth(new TotpAuthOptions
        {
            AuthUrl = AuthUrl, UserId = "ee4dfb6e5540447cb3741905149d9b6e", TotpSecret = MfaFixtures.Secret, ProjectId = "p-1",
        }, http, timeProvider: time));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["totp"],"totp":{"user":{"id":"ee4dfb6e5540447cb3741905149d9b6e","passcode":"287082"}}},"scope":{"project":{"id":"p-1"}}}}""",
            body);
    }

    [Fact]
    public async Task Totp_by_name_and_domain_name_unscoped_from_a_fixed_passcode()
    {
        var body = await SendAsync((http, time) => new TotpAuth(new TotpAuthOptions
        {
            AuthUrl = AuthUrl, Username = "mfa", UserDomainName = "Default", Passcode = "012345",
        }, http, timeProvider: time));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["totp"],"totp":{"user":{"name":"mfa","domain":{"name":"Default"},"passcode":"012345"}}}}}""",
            body);
    }

    [Fact]
    public async Task Totp_by_name_and_domain_id_from_a_provider()
    {
        var body = await SendAsync((http, time) => new TotpAuth(new TotpAuthOptions
        {
            AuthUrl = AuthUrl, Username = "mfa", UserDomainId = "default", PasscodeProvider = _ => ValueTask.FromResult("654321"), DomainName = "Default",
        }, http, timeProvider: time));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["totp"],"totp":{"user":{"name":"mfa","domain":{"id":"default"},"passcode":"654321"}}},"scope":{"domain":{"name":"Default"}}}}""",
            body);
    }

    [Fact]
    public async Task Multi_factor_sends_password_and_totp_in_one_request()
    {
        var body = await SendAsync((http, time) => new MultiFactorAuth(new MultiFactorAuthOptions
        {
            AuthUrl = AuthUrl, Username = "mfa", UserDomainName = "Default", Password = "pw", TotpSecret = MfaFixtures.Secret,
            ProjectName = "services", ProjectDomainName = "Default",
        }, http, timeProvider: time));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["password","totp"],"password":{"user":{"name":"mfa","domain":{"name":"Default"},"password":"pw"}},"totp":{"user":{"name":"mfa","domain":{"name":"Default"},"passcode":"287082"}}},"scope":{"project":{"name":"services","domain":{"name":"Default"}}}}}""",
            body);
    }

    [Fact]
    public async Task Multi_factor_by_user_id()
    {
        var body = await SendAsync((http, time) => new MultiFactorAuth(new MultiFactorAuthOptions
        {
            AuthUrl = AuthUrl, UserId = "u-1", Password = "pw", Passcode = "111222", SystemScope = "all",
        }, http, timeProvider: time));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["password","totp"],"password":{"user":{"id":"u-1","password":"pw"}},"totp":{"user":{"id":"u-1","passcode":"111222"}}},"scope":{"system":{"all":true}}}}""",
            body);
    }

    [Fact]
    public async Task The_passcode_follows_the_clock_from_one_request_to_the_next()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var time = new FakeTimeProvider(MfaFixtures.At59);
        var auth = new TotpAuth(new TotpAuthOptions { AuthUrl = AuthUrl, UserId = "u-1", TotpSecret = MfaFixtures.Secret }, http, timeProvider: time);

        await auth.GetAccessAsync();
        time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1111111109));
        await auth.GetAccessAsync();

        var posts = cloud.TokenPosts;
        Assert.Equal(2, posts.Count);
        Assert.Contains("\"passcode\":\"287082\"", posts[0].BodyText, StringComparison.Ordinal);
        Assert.Contains("\"passcode\":\"081804\"", posts[1].BodyText, StringComparison.Ordinal); // RFC vector, leading zero kept
    }

    private static async Task<string> SendAsync(Func<HttpClient, TimeProvider, IAuthPlugin> create)
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        await create(http, new FakeTimeProvider(MfaFixtures.At59)).GetAccessAsync();
        return Assert.Single(cloud.TokenPosts).BodyText!;
    }
}
