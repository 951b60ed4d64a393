using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// TokenAuth once its token is dead (issue 11): a typed error, never a loop.
/// POSTs and service calls are counted at the server.
/// </summary>
public sealed class TokenAuthTests : FaultTestBase
{
    [Fact]
    public async Task Dead_token_gives_AuthenticationFailedException_after_one_refetch_and_no_loop()
    {
        using var http = new HttpClient();
        var auth = new TokenAuth(new TokenAuthOptions { AuthUrl = Server.AuthUrl, Token = "the-callers-token", ProjectId = "p-1" }, http);
        var caching = new CachingPasswordAuth(auth, new TokenCache(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero }));
        using var session = new KeystoneSession(caching, http);
        using (var ok = await session.GetAsync("/x", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // The original token is revoked, and with it the token made from it.
        for (var i = 0; i < 5; i++)
        {
            Server.OnToken(Server.Write401Async);
        }

        Server.RevokeAll();

        await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        Assert.Equal(2, Server.TokenPosts); // the first token, then one attempt after the 401
        Assert.Equal(2, Server.ServiceCalls);

        await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));
        Assert.Equal(3, Server.TokenPosts); // nothing cached; one POST per call, no service call without a token
        Assert.Equal(2, Server.ServiceCalls);
    }

    [Fact]
    public async Task Without_a_cache_a_rejected_token_is_not_retried()
    {
        using var http = new HttpClient();
        var auth = new TokenAuth(new TokenAuthOptions { AuthUrl = Server.AuthUrl, Token = "the-callers-token", ProjectId = "p-1" }, http);
        using var session = new KeystoneSession(auth, http);
        Server.OnService(Server.Write401Async);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(1, Server.TokenPosts);
        Assert.Equal(1, Server.ServiceCalls);
    }
}
