using System.Diagnostics;

namespace Keystone.Auth.Caching;

/// <summary>
/// Puts a <see cref="TokenCache"/> in front of an auth plugin (normally
/// <see cref="PasswordAuth"/>): a valid cached token is returned without a
/// request; a missing or soon-expiring one is fetched once, however many callers
/// ask at the same time; a rejected one is dropped only if it is still the one
/// cached. Implements <see cref="IAuthPlugin"/>, so sessions and handlers take it
/// in place of the plugin it wraps.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CachingPasswordAuth : IAuthPlugin
{
    private readonly IAuthPlugin _inner;
    private readonly TokenCache _cache;
    private readonly string _key;
    private readonly TimeSpan _margin;
    private readonly TimeSpan _jitter;
    private volatile TokenCache.Slot? _slot;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The plugin that fetches tokens; must give a cache id.</param>
    /// <param name="cache">The cache, e.g. <see cref="TokenCache.Shared"/>.</param>
    /// <param name="options">Per-identity refresh settings.</param>
    /// <exception cref="ArgumentException"><paramref name="inner"/> gives no cache id.</exception>
    /// <exception cref="InvalidOptionsException">The options are out of range.</exception>
    public CachingPasswordAuth(IAuthPlugin inner, TokenCache cache, CachingPasswordAuthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(cache);
        if (options?.Validate() is { Count: > 0 } failures)
        {
            throw new InvalidOptionsException(nameof(CachingPasswordAuthOptions), failures);
        }

        _inner = inner;
        _cache = cache;
        _key = inner.GetCacheId() ?? throw new ArgumentException("The auth plugin gives no cache id, so its tokens cannot be cached.", nameof(inner));
        _margin = options?.RefreshMargin ?? cache.Options.RefreshMargin;
        _jitter = options?.RefreshJitter ?? cache.Options.RefreshJitter;

        // No slot yet: constructing a plugin must not count against the cache's
        // bound; the first token request creates it.
    }

    /// <summary>The plugin that fetches tokens on a miss.</summary>
    public IAuthPlugin Inner => _inner;

    /// <summary>The cache used.</summary>
    public TokenCache Cache => _cache;

    /// <summary>A cached token valid beyond the refresh margin, or one fetched now (shared with concurrent callers).</summary>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
        _cache.GetAsync(CurrentSlot(), _key, _inner, _margin, _jitter, cancellationToken);

    /// <summary>
    /// Drops <paramref name="access"/> from the cache if it is still the cached
    /// token (compare-and-remove). Always true: whether removed now or replaced
    /// already, the next call gives a different token.
    /// </summary>
    public bool Invalidate(AccessInfo access)
    {
        ArgumentNullException.ThrowIfNull(access);
        _cache.Invalidate(CurrentSlot(), _key, _inner, access);
        _inner.Invalidate(access);
        return true;
    }

    /// <summary>The wrapped plugin's cache id.</summary>
    public string GetCacheId() => _key;

    /// <inheritdoc />
    public override string ToString() => $"CachingPasswordAuth {{ {_inner} }}";

    /// <summary>The identity's live slot, or null while it has none (the miss path creates it).</summary>
    private TokenCache.Slot? CurrentSlot()
    {
        var slot = _slot;
        if (slot is null || slot.Detached)
        {
            // Not attached yet, evicted, cleared or dropped after a failure: attach
            // to the key's live slot so that single flight holds across every user
            // of this identity, but never create one just to look.
            slot = _slot = _cache.FindSlot(_key);
        }

        return slot;
    }
}
