using System.Net;
using System.Text.Json.Nodes;
using Keystone.Auth.Caching;

namespace Keystone.Auth.FaultTests;

/// <summary>An application credential that Keystone refuses: a typed error, nothing cached, no scope ever sent.</summary>
public sealed class ApplicationCredentialFaultTests : FaultTestBase
{
    [Fact]
    public async Task Deleted_credential_is_AuthenticationFailedException_and_nothing_is_cached()
    {
        var bodies = new List<JsonNode>();
        Server.OnToken(async ctx =>
        {
            bodies.Add((await JsonNode.ParseAsync(ctx.Request.Body))!);
            await Server.IssueTokenAsync(ctx);
        });
        Server.OnToken(Server.Write401Async);
        Server.OnToken(Server.Write401Async);
        using var http = new HttpClient();
        var auth = new CachingPasswordAuth(
            new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions { AuthUrl = Server.AuthUrl, ApplicationCredentialId = "ac-1", ApplicationCredentialSecret = "s" }, http),
            new TokenCache(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero }));
        using var session = new KeystoneSession(auth, http);
        using (var ok = await session.GetAsync("/x", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Server.RevokeAll(); // deleting the credential revokes its tokens

        await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(3, Server.TokenPosts);
        Assert.Equal(2, Server.ServiceCalls);
        Assert.False(bodies.Single()["auth"]!.AsObject().ContainsKey("scope"));
    }
}
