namespace Keystone.Auth.Caching;

/// <summary>Per-identity settings of a <see cref="CachingPasswordAuth"/>; unset values use the cache's.</summary>
public sealed class CachingPasswordAuthOptions
{
    /// <summary>Renew this identity's token when it expires within this margin (plus jitter). Null: the cache's.</summary>
    public TimeSpan? RefreshMargin { get; set; }

    /// <summary>Random extra margin for this identity. Null: the cache's.</summary>
    public TimeSpan? RefreshJitter { get; set; }

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (RefreshMargin is { } margin && margin < TokenCacheOptions.MinimumRefreshMargin)
        {
            failures.Add($"RefreshMargin must be at least {TokenCacheOptions.MinimumRefreshMargin.TotalSeconds:0} s (keystoneauth's minimum token life)");
        }

        if (RefreshJitter is { } jitter && jitter < TimeSpan.Zero)
        {
            failures.Add("RefreshJitter must not be negative");
        }

        return failures;
    }
}
