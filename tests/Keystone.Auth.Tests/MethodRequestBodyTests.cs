using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>
/// The token request of every method, byte for byte against the Keystone
/// API-reference vectors (the vector minified: property order and escaping
/// included), read at run time and never copied.
/// </summary>
public sealed class MethodRequestBodyTests
{
    private const string AuthUrl = "http://example.com/identity/v3";

    [VectorFact]
    public async Task Application_credential_by_id()
    {
        var body = await SendAsync(http => new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
        {
            AuthUrl = AuthUrl,
            ApplicationCredentialId = "423f19a4ac1e4f48bbb4180756e6eb6c",
            ApplicationCredentialSecret = "rEaqvJka48mpv",
        }, http));

        Assert.Equal(Minified("auth-application-credential-id-request.json"), body);
    }

    [VectorFact]
    public async Task Application_credential_by_name_and_user_id()
    {
        var body = await SendAsync(http => new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
        {
            AuthUrl = AuthUrl,
            ApplicationCredentialName = "monitoring",
            ApplicationCredentialSecret = "rEaqvJka48mpv",
            UserId = "423f19a4ac1e4f48bbb4180756e6eb6c",
        }, http));

        Assert.Equal(Minified("auth-application-credential-name-request.json"), body);
    }

    [Fact]
    public async Task Application_credential_by_name_and_user_name_with_domain()
    {
        var body = await SendAsync(http => new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
        {
            AuthUrl = AuthUrl,
            ApplicationCredentialName = "monitoring",
            ApplicationCredentialSecret = "s",
            Username = "dcmanager",
            UserDomainName = "Default",
        }, http));

        Assert.Equal(
            """{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"name":"monitoring","secret":"s","user":{"name":"dcmanager","domain":{"name":"Default"}}}}}}""",
            body);
    }

    [VectorTheory]
    [InlineData("auth-token-unscoped-request.json", null, false)]
    [InlineData("auth-token-explicit-unscoped-request.json", null, true)]
    [InlineData("auth-token-scoped-request.json", "5b50efd009b540559104ee3c03bbb2b7", false)]
    public async Task Token(string vector, string? projectId, bool unscoped)
    {
        var body = await SendAsync(http => new TokenAuth(new TokenAuthOptions
        {
            AuthUrl = AuthUrl,
            Token = "'$OS_TOKEN'",
            ProjectId = projectId,
            Unscoped = unscoped,
        }, http));

        Assert.Equal(Minified(vector), body);
    }

    [VectorTheory]
    [InlineData("auth-password-unscoped-request.json", "423f19a4ac1e4f48bbb4180756e6eb6c", false, false)]
    [InlineData("auth-password-explicit-unscoped-request.json", "ee4dfb6e5540447cb3741905149d9b6e", true, false)]
    [InlineData("auth-password-unscoped-request-with-domain.json", null, false, false)]
    [InlineData("auth-password-system-scoped-request-with-domain.json", null, false, true)]
    public async Task Password_byte_for_byte(string vector, string? userId, bool unscoped, bool system)
    {
        var body = await SendAsync(http => new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = AuthUrl,
            UserId = userId,
            Username = userId is null ? "admin" : null,
            UserDomainName = userId is null ? "Default" : null,
            Password = "devstacker",
            Unscoped = unscoped,
            SystemScope = system ? "all" : null,
        }, http));

        Assert.Equal(Minified(vector), body);
    }

    private static string Minified(string vector) => Vectors.ReadJson(vector).ToJsonString();

    private static async Task<string> SendAsync(Func<HttpClient, IAuthPlugin> create)
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);

        await create(http).GetAccessAsync();

        var sent = Assert.Single(cloud.Requests);
        Assert.True(sent.IsTokenPost);
        return Encoding.UTF8.GetString(sent.Body!);
    }
}
