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
        // TokenCacheOptions.Store arrives with the shared-tier branch. Until then
        // the store is connected (so its settings are checked) but not consulted,
        // and every process fetches its own token. To switch it on, replace the
        // two lines below with:
        //     var options = new TokenCacheOptions { Store = store };
        //     shared = store is not null;
        var options = new TokenCacheOptions();
        shared = false;
        return new TokenCache(options, logger: logger);
    }
}
