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

    /// <summary>The longest <see cref="FetchTimeout"/> accepted (1 hour).</summary>
    public static readonly TimeSpan MaximumFetchTimeout = TimeSpan.FromHours(1);

    /// <summary>
    /// The deadline of every token request the cache makes (default 60 s, above
    /// <see cref="KeystoneIdentityOptions.RequestTimeout"/>'s 30 s default; keep it
    /// above the plugin's own timeout). It is passed to the plugin as a
    /// cancellation token and holds even when the plugin sets no timeout or
    /// ignores the token: when it passes, the waiting callers get a
    /// <see cref="KeystoneTimeoutException"/>, the request is abandoned (its late
    /// result is never cached) and the next call starts a new one. Must be more
    /// than zero and at most <see cref="MaximumFetchTimeout"/>: there is no infinite setting.
    /// </summary>
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A token tier shared by processes (for example <c>RedisTokenStore</c>),
    /// consulted on an in-process miss inside its single flight and told of
    /// every rejected token. Default <see langword="null"/>: in-process only.
    /// Only plugins that implement <see cref="ISharedTokenIdentity"/> use it.
    /// The store is not owned by the cache (not disposed by it). A store that
    /// fails, hangs or answers nonsense never fails a call: the cache then
    /// asks Keystone itself.
    /// </summary>
    public ITokenStore? Store { get; set; }

    /// <summary>The longest <see cref="StoreWaitTimeout"/> accepted (5 minutes).</summary>
    public static readonly TimeSpan MaximumStoreWaitTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a process waits for another process that holds the fetch lease
    /// to store its token (default 10 s), before fetching the token itself.
    /// It is also the lease's own lifetime, so a process that dies while
    /// fetching blocks the others no longer than this, and it bounds every
    /// single store call (a store that hangs). Must be more than 0, at most
    /// <see cref="MaximumStoreWaitTimeout"/>, and, with a <see cref="Store"/>,
    /// below <see cref="FetchTimeout"/>.
    /// </summary>
    public TimeSpan StoreWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
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

        if (FetchTimeout <= TimeSpan.Zero || FetchTimeout > MaximumFetchTimeout)
        {
            failures.Add($"FetchTimeout must be more than 0 and at most {MaximumFetchTimeout.TotalSeconds:0} s (a token request that may wait forever would wedge its identity), got {FetchTimeout.TotalSeconds:0.###} s");
        }

        if (StoreWaitTimeout <= TimeSpan.Zero || StoreWaitTimeout > MaximumStoreWaitTimeout)
        {
            failures.Add($"StoreWaitTimeout must be more than 0 and at most {MaximumStoreWaitTimeout.TotalSeconds:0} s, got {StoreWaitTimeout.TotalSeconds:0.###} s");
        }
        else if (Store is not null && StoreWaitTimeout >= FetchTimeout)
        {
            failures.Add($"StoreWaitTimeout ({StoreWaitTimeout.TotalSeconds:0.###} s) must be below FetchTimeout ({FetchTimeout.TotalSeconds:0.###} s): a process that waited in vain must still have time to fetch its own token");
        }

        return failures;
    }

    internal TokenCacheOptions Clone() => (TokenCacheOptions)MemberwiseClone();
}
