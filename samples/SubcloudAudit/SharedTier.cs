using Keystone.Auth.Caching;
using Microsoft.Extensions.Logging;

namespace SubcloudAudit;

/// <summary>
/// The one place where a process's token cache is put in front of the shared
/// Redis tier, exactly as an application would write it:
/// <c>new TokenCache(new TokenCacheOptions { Store = store })</c>.
/// </summary>
internal static class SharedTier
{
    /// <summary>
    /// A cache in front of <paramref name="store"/> (none: in-process only).
    /// <paramref name="shared"/> says whether the store is really consulted, so
    /// that the fleet's report never claims sharing it did not do.
    /// </summary>
    public static TokenCache CreateCache(ITokenStore? store, ILogger<TokenCache>? logger, out bool shared)
    {
        var options = new TokenCacheOptions { Store = store };
        shared = store is not null;
        return new TokenCache(options, logger: logger);
    }
}
