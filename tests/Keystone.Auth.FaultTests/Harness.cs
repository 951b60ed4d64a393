using Keystone.Auth.Caching;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// One client stack against a <see cref="FaultServer"/>: PasswordAuth behind a
/// private TokenCache, and a session over it. A private cache per harness keeps
/// tests independent of <see cref="TokenCache.Shared"/>.
/// </summary>
public sealed class Harness : IDisposable
{
    public const string Password = "Pa55-w0rd-for-fault-tests!";

    public static readonly EndpointFilter Compute = new("compute", EndpointInterface.Public);

    public Harness(
        FaultServer server,
        Action<PasswordAuthOptions>? auth = null,
        KeystoneSessionOptions? session = null,
        TimeProvider? time = null,
        TimeProvider? sessionTime = null,
        ILoggerFactory? loggers = null,
        HttpMessageHandler? handler = null)
    {
        Http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
        var options = new PasswordAuthOptions
        {
            AuthUrl = server.AuthUrl,
            Username = "dcmanager",
            UserDomainName = "Default",
            Password = Password,
            ProjectName = "services",
            ProjectDomainName = "Default",
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        auth?.Invoke(options);
        PasswordAuth = new PasswordAuth(options, Http, loggers?.CreateLogger<PasswordAuth>(), time);
        Cache = new TokenCache(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero }, time, loggers?.CreateLogger<TokenCache>());
        Caching = new CachingPasswordAuth(PasswordAuth, Cache);
        Session = new KeystoneSession(Caching, Http, session, loggers?.CreateLogger<KeystoneSession>(), sessionTime ?? time);
    }

    public HttpClient Http { get; }

    public PasswordAuth PasswordAuth { get; }

    public TokenCache Cache { get; }

    public CachingPasswordAuth Caching { get; }

    public KeystoneSession Session { get; }

    public void Dispose()
    {
        Session.Dispose();
        Http.Dispose();
    }
}
