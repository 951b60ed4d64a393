using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// What a real Keystone (python3-keystone 22) answers a token request whose
/// token is dead, or whose application credential was deleted: 404, not 401
/// (seen in the integration tests). Both methods report it as the credential
/// refused, like every method's 401; password's 404 stays a plain HTTP error.
/// </summary>
public sealed class CredentialNotFoundTests : FaultTestBase
{
    // Keystone's bodies: token keys replaced, token revoked, credential deleted.
    private const string UnrecognizedBody = """{"error":{"code":404,"message":"Could not recognize Fernet token","title":"Not Found"}}""";
    private const string RevokedBody = """{"error":{"code":404,"message":"Failed to validate token","title":"Not Found"}}""";
    private const string DeletedBody = """{"error":{"code":404,"message":"Could not find Application Credential: ac-1.","title":"Not Found"}}""";

    [Theory]
    [InlineData("token", UnrecognizedBody)]
    [InlineData("token", RevokedBody)]
    [InlineData("application credential", DeletedBody)]
    public async Task Keystones_404_is_AuthenticationFailedException_one_POST_per_call(string method, string body)
    {
        Server.OnToken(Faults.Status(404, body));
        Server.OnToken(Faults.Status(404, body));
        using var http = new HttpClient();
        IAuthPlugin plugin = method == "token"
            ? new TokenAuth(new TokenAuthOptions { AuthUrl = Server.AuthUrl, Token = "the-callers-token", ProjectId = "p-1" }, http)
            : new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions { AuthUrl = Server.AuthUrl, ApplicationCredentialId = "ac-1", ApplicationCredentialSecret = "the-secret" }, http);
        using var session = new KeystoneSession(new CachingPasswordAuth(plugin, new TokenCache()), http);

        var first = await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        Assert.DoesNotContain("the-callers-token", first.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret", first.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, Server.TokenPosts); // nothing cached: one POST per call
        Assert.Equal(0, Server.ServiceCalls);
    }

    [Fact]
    public async Task Passwords_404_is_not_an_authentication_failure()
    {
        Server.OnToken(Faults.Status(404, """{"error":{"code":404,"message":"Could not find the resource.","title":"Not Found"}}"""));
        using var http = new HttpClient();
        var auth = new PasswordAuth(new PasswordAuthOptions { AuthUrl = Server.AuthUrl, UserId = "u-1", Password = "pw" }, http);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => auth.GetAccessAsync().AsTask().WaitAsync(Guard));

        Assert.IsNotType<AuthenticationFailedException>(ex);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(1, Server.TokenPosts);
    }
}
