using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// What an application would build for one identity: HttpClient (with the
/// test's counter at the bottom) -> PasswordAuth -> CachingPasswordAuth over a
/// cache (a private one unless given) -> KeystoneSession.
/// </summary>
internal sealed class Rig : IDisposable
{
    public Rig(PasswordAuthOptions options, TokenCache? cache = null, TimeSpan? connectTimeout = null, KeystoneSessionOptions? sessionOptions = null)
    {
        Http = TestHttp.Create(out var counter, connectTimeout);
        Counter = counter;
        Cache = cache ?? new TokenCache();
        Password = new PasswordAuth(options, Http);
        Auth = new CachingPasswordAuth(Password, Cache);
        Session = new KeystoneSession(Auth, Http, sessionOptions);
    }

    public HttpClient Http { get; }

    public CountingHandler Counter { get; }

    public TokenCache Cache { get; }

    public PasswordAuth Password { get; }

    public CachingPasswordAuth Auth { get; }

    public KeystoneSession Session { get; }

    /// <summary>
    /// Makes the rig's first call (200), so that a token is cached by exactly one
    /// token POST on the wire, and returns that token.
    /// </summary>
    public async Task<AccessInfo> WarmUpAsync()
    {
        using (var warm = await CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        Assert.Equal(1, Counter.TokenPosts);
        return await Session.GetAccessAsync();
    }

    /// <summary>An authenticated GET any valid token may make, through the catalog's identity endpoint.</summary>
    public Task<HttpResponseMessage> CallAsync(CancellationToken cancellationToken = default) =>
        Session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity, cancellationToken);

    public void Dispose()
    {
        Session.Dispose();
        Http.Dispose();
    }
}
