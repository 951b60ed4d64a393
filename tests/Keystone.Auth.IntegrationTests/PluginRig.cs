using Keystone.Auth.Caching;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// <see cref="Rig"/> for any auth method: HttpClient (the test's counter at the
/// bottom) -> the method's plugin -> CachingPasswordAuth over a private cache
/// -> KeystoneSession. A plugin without a cache id (FixedTokenAuth) goes to the
/// session as it is.
/// </summary>
internal sealed class PluginRig : IDisposable
{
    /// <param name="plugin">Makes the method's plugin on the rig's client.</param>
    /// <param name="sessionOptions">The session's options.</param>
    /// <param name="above">A handler to put between the library and the counter, e.g. one that reorders answers.</param>
    public PluginRig(Func<HttpClient, IAuthPlugin> plugin, KeystoneSessionOptions? sessionOptions = null, Func<HttpMessageHandler, DelegatingHandler>? above = null)
    {
        var http = TestHttp.Create(out var counter);
        Http = above is null ? http : new HttpClient(above(counter)) { Timeout = http.Timeout };
        Counter = counter;
        Plugin = plugin(Http);
        Auth = Plugin.GetCacheId() is null ? Plugin : new CachingPasswordAuth(Plugin, new TokenCache());
        Session = new KeystoneSession(Auth, Http, sessionOptions);
    }

    public HttpClient Http { get; }

    public CountingHandler Counter { get; }

    /// <summary>The method's own plugin.</summary>
    public IAuthPlugin Plugin { get; }

    /// <summary>What the session uses: the plugin under a cache, or the plugin itself.</summary>
    public IAuthPlugin Auth { get; }

    public KeystoneSession Session { get; }

    /// <summary>An authenticated GET any valid token may make, through the catalog's identity endpoint.</summary>
    public Task<HttpResponseMessage> CallAsync(CancellationToken cancellationToken = default) =>
        Session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity, cancellationToken);

    /// <summary>What went out on the wire since <paramref name="since"/>: "POST 201", "GET 401", ...</summary>
    public string[] WireSince(CountingHandler.Snapshot since) => [.. Counter.EventsSince(since).Select(e => e.Short)];

    public void Dispose()
    {
        Session.Dispose();
        Http.Dispose();
    }
}
