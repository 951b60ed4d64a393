using System.Net;

namespace Keystone.Auth.Tests;

/// <summary>
/// A forwarded token against a fixed endpoint: sent as is to that endpoint, no
/// token POST ever, and a 401 is final (no re-authentication, no resend).
/// </summary>
public sealed class FixedTokenAuthTests
{
    private const string Token = "gAAAAABforwarded-caller-token";

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Relative_urls_go_to_the_endpoint_with_the_forwarded_token(Via via)
    {
        using var cloud = new FakeCloud();
        using var client = Client(via, cloud, out var session);

        using var response = session is not null ? await session.GetAsync("/ihosts") : await client!.GetAsync("/ihosts");

        var sent = Assert.Single(cloud.Requests);
        Assert.Equal("https://sysinv.test:6385/v1/ihosts", sent.Uri.AbsoluteUri);
        Assert.Equal(Token, sent.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        session?.Dispose();
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task A_401_is_final_without_any_token_post(Via via)
    {
        using var cloud = new FakeCloud();
        cloud.ThenUnauthorized().ThenUnauthorized();
        using var client = Client(via, cloud, out var session);

        if (session is not null)
        {
            var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/ihosts"));
            Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
            session.Dispose();
        }
        else
        {
            using var response = await client!.GetAsync("/ihosts");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Single(cloud.Requests);
        Assert.Empty(cloud.TokenPosts);
    }

    private static HttpClient? Client(Via via, FakeCloud cloud, out KeystoneSession? session)
    {
        var auth = new FixedTokenAuth(new FixedTokenAuthOptions { Token = Token, Endpoint = "https://sysinv.test:6385/v1\n" });
        var options = new KeystoneSessionOptions { EndpointOverride = auth.Endpoint };
        if (via == Via.Session)
        {
            session = new KeystoneSession(auth, new HttpClient(cloud, disposeHandler: false), options);
            return null;
        }

        session = null;
        return new HttpClient(new KeystoneAuthHandler(auth, null, options) { InnerHandler = cloud }, disposeHandler: false)
        {
            BaseAddress = KeystoneAuthHandler.CatalogBaseAddress,
        };
    }
}
