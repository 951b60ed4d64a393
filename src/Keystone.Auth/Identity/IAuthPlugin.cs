namespace Keystone.Auth;

/// <summary>
/// Something that can get a Keystone token with its catalog: the
/// <see cref="PasswordAuth"/> plugin, or a decorator over one such as
/// <c>CachingPasswordAuth</c>. Sessions and handlers depend only on this.
/// </summary>
public interface IAuthPlugin
{
    /// <summary>
    /// Returns a token valid for use now, with its catalog. Caching
    /// implementations complete synchronously on a hit.
    /// </summary>
    /// <exception cref="KeystoneException">No token could be had; the derived type says why.</exception>
    ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports that <paramref name="access"/> was rejected by a service (401).
    /// Implementations drop exactly that token, never a newer one.
    /// </summary>
    /// <returns>
    /// True when asking again may give a different, usable token (so a retry
    /// is worthwhile); false when this plugin cannot re-authenticate.
    /// </returns>
    bool Invalidate(AccessInfo access);

    /// <summary>
    /// A stable fingerprint of everything that decides which token this plugin
    /// gets (auth URL, method, user, scope, secret), or null when its tokens
    /// must not be cached. Never contains a secret in clear.
    /// </summary>
    string? GetCacheId();
}
