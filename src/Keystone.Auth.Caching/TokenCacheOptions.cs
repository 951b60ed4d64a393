namespace Keystone.Auth.Caching;

/// <summary>Limits and refresh timing of a <see cref="TokenCache"/>.</summary>
public sealed class TokenCacheOptions
{
    /// <summary>keystoneauth's <c>MIN_TOKEN_LIFE_SECONDS</c>: a token is never used within this of its end.</summary>
    public static readonly TimeSpan MinimumRefreshMargin = TimeSpan.FromSeconds(120);

    /// <summary>The most identities kept (default 10,000). Expired entries are evicted first.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// A cached token is replaced when it expires within this margin plus a
    /// random jitter (default 300 s, as distcloud). Never less than
    /// <see cref="MinimumRefreshMargin"/>.
    /// </summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Up to this much is added at random to <see cref="RefreshMargin"/> per
    /// token (default 160 s), so thousands of identities cached at once do not
    /// all renew in the same second.
    /// </summary>
    public TimeSpan RefreshJitter { get; set; } = TimeSpan.FromSeconds(160);

    /// <summary>
    /// When true, a token that is due for renewal (within <see cref="RefreshMargin"/>
    /// plus jitter of its end) is still handed out while one background request
    /// replaces it, so no caller waits for a renewal; callers wait only when the
    /// token is within <see cref="MinimumRefreshMargin"/> of its end. A failed
    /// background renewal is logged and tried again 15 s later. Default false:
    /// the caller that finds the token due waits for the new one (as distcloud).
    /// </summary>
    public bool RefreshInBackground { get; set; }

    /// <summary>Every problem with these options, each naming its option.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (MaxEntries < 1)
        {
            failures.Add($"MaxEntries must be at least 1, got {MaxEntries}");
        }

        if (RefreshMargin < MinimumRefreshMargin)
        {
            failures.Add($"RefreshMargin must be at least {MinimumRefreshMargin.TotalSeconds:0} s (keystoneauth's minimum token life), got {RefreshMargin.TotalSeconds:0.###} s");
        }

        if (RefreshJitter < TimeSpan.Zero)
        {
            failures.Add("RefreshJitter must not be negative");
        }

        return failures;
    }

    internal TokenCacheOptions Clone() => (TokenCacheOptions)MemberwiseClone();
}
