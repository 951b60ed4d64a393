using System.Net;
using Keystone.Auth.Caching;
using RichardSzalay.MockHttp;

namespace Keystone.Auth.Tests;

/// <summary>
/// The README's first usage snippet (the public contract), unchanged but for the mocked handler: the
/// public contract compiles and works end to end.
/// </summary>
public sealed class DesignContractTests
{
    [Fact]
    public async Task Design_section_4_snippet_compiles_and_runs()
    {
        var mock = new MockHttpMessageHandler();
        var tokenPost = mock.When(HttpMethod.Post, "https://10.10.10.2:5001/v3/auth/tokens")
            .Respond(_ => Fixtures.TokenResponse("tok-1"));
        var projects = mock.When(HttpMethod.Get, "https://10.10.10.2:5001/v3/projects")
            .WithHeaders("X-Auth-Token", "tok-1")
            .Respond("application/json", "{\"projects\":[]}");
        var secret = "s3cret";
        var ct = CancellationToken.None;
        var cache = new TokenCache();

        // ---- README "Usage" (TokenCache.Shared replaced by a private cache so tests stay independent)
        using var http = new HttpClient(mock);
        var password = new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = "https://10.10.10.2:5001/v3",
            Username = "dcmanager", UserDomainName = "Default", Password = secret,
            ProjectName = "services", ProjectDomainName = "Default",
        }, http);
        var auth = new CachingPasswordAuth(password, cache);
        using var session = new KeystoneSession(auth, http);

        AccessInfo access = await session.GetAccessAsync(ct);
        string url = await session.GetEndpointAsync(
            new EndpointFilter("platform", EndpointInterface.Admin, RegionName: "subcloud1"), ct);
        using HttpResponseMessage r = await session.GetAsync(
            "/projects", new EndpointFilter("identity", EndpointInterface.Public), ct);
        // ----

        Assert.Equal("tok-1", access.Token);
        Assert.Equal("http://192.168.204.2:6385/v1", url);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(1, mock.GetMatchCount(tokenPost));
        Assert.Equal(1, mock.GetMatchCount(projects));
    }

    [Fact]
    public async Task Other_methods_snippet_compiles_and_runs_on_the_same_cache_and_session()
    {
        var mock = new MockHttpMessageHandler();
        var tokenPosts = mock.When(HttpMethod.Post, "https://10.10.10.2:5001/v3/auth/tokens")
            .Respond(_ => Fixtures.TokenResponse("tok-1"));
        var (url, id, secret, existing, pid) = ("https://10.10.10.2:5001/v3", "ac-1", "s3cret", "tok-0", "p-1");
        using var http = new HttpClient(mock);

        // ---- README "Auth methods": the other methods, same cache and session
        var appcred = new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
        {
            AuthUrl = url, ApplicationCredentialId = id, ApplicationCredentialSecret = secret,
        }, http);                                                  // or ApplicationCredentialName + secret + UserId / Username + UserDomainName
        var rescoped = new TokenAuth(new TokenAuthOptions { AuthUrl = url, Token = existing, ProjectId = pid }, http);
        using var s2 = new KeystoneSession(new CachingPasswordAuth(appcred, TokenCache.Shared), http);
        // ----

        Assert.Equal("tok-1", (await s2.GetAccessAsync()).Token);
        Assert.Equal("tok-1", (await rescoped.GetAccessAsync()).Token);
        Assert.Equal(2, mock.GetMatchCount(tokenPosts));
    }

    [Fact]
    public void Shared_cache_is_one_instance()
    {
        Assert.Same(TokenCache.Shared, TokenCache.Shared);
    }
}
