using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Caching.Tests.TestSupport;

/// <summary>A fake clock, the counting token server, an HttpClient over it and one cache.</summary>
internal sealed class CacheHarness : IDisposable
{
    public const string Password = "s3cret-Passw0rd!";

    public CacheHarness(TokenCacheOptions? cacheOptions = null, ILogger<TokenCache>? cacheLog = null)
    {
        Server = new TokenServer(Time);
        Http = new HttpClient(Server, disposeHandler: false);

        // Jitter 0 by default so that expiry tests know the exact renewal instant.
        Cache = new TokenCache(cacheOptions ?? new TokenCacheOptions { RefreshJitter = TimeSpan.Zero }, Time, cacheLog);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public TokenServer Server { get; }

    public HttpClient Http { get; }

    public TokenCache Cache { get; }

    public static PasswordAuthOptions Identity(string user = "dcmanager", string project = "services", string password = Password) => new()
    {
        AuthUrl = TokenServer.AuthUrl,
        Username = user,
        UserDomainName = "Default",
        Password = password,
        ProjectName = project,
        ProjectDomainName = "Default",

        // Held POSTs must never be cut short by a real-time deadline.
        RequestTimeout = null,
    };

    public PasswordAuth PasswordAuth(PasswordAuthOptions? options = null) => new(options ?? Identity(), Http, null, Time);

    public CachingPasswordAuth Auth(PasswordAuthOptions? options = null, CachingPasswordAuthOptions? cachingOptions = null) =>
        new(PasswordAuth(options), Cache, cachingOptions);

    public CachingPasswordAuth Auth(string user, CachingPasswordAuthOptions? cachingOptions = null) =>
        Auth(Identity(user), cachingOptions);

    /// <summary>Callers waiting on the identity's in-flight token request (synchronisation only, never asserted on).</summary>
    public int Waiters(IAuthPlugin auth)
    {
        var slot = Cache.FindSlot(auth.GetCacheId()!);
        if (slot is null)
        {
            return 0;
        }

        lock (slot)
        {
            return slot.InFlight?.Waiters ?? 0;
        }
    }

    /// <summary>Whether the identity has a token request under way.</summary>
    public bool Fetching(IAuthPlugin auth)
    {
        var slot = Cache.FindSlot(auth.GetCacheId()!);
        if (slot is null)
        {
            return false;
        }

        lock (slot)
        {
            return slot.InFlight is not null;
        }
    }

    public void Dispose()
    {
        Server.Release();
        Http.Dispose();
        Server.Dispose();
    }
}
