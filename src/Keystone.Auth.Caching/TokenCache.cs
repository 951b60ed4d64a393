using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Keystone.Auth.Caching.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth.Caching;

/// <summary>
/// An in-process cache of Keystone tokens, one entry per identity (the
/// fingerprint from <see cref="IAuthPlugin.GetCacheId"/>), used through
/// <see cref="CachingPasswordAuth"/>. Use the process-wide <see cref="Shared"/>
/// instance unless you need separate limits.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A hit reads one volatile field and the clock: no lock, no allocation.</item>
/// <item>Concurrent misses on one identity share a single token request; a caller
/// that cancels stops waiting without cancelling the request others wait on.</item>
/// <item>A failed request is not cached: every waiter gets its error.</item>
/// <item>Invalidation is compare-and-remove: a late 401 for an old token never
/// drops a newer one.</item>
/// <item>Every token request has a finite deadline (<see cref="TokenCacheOptions.FetchTimeout"/>):
/// a stalled request is abandoned, its waiters get a <see cref="KeystoneTimeoutException"/>
/// and the next call starts a new one.</item>
/// <item>At most <see cref="TokenCacheOptions.MaxEntries"/> identities: expired or
/// empty entries are evicted first, then those closest to renewal. A failed request
/// leaves no entry behind; only identities whose first request is under way can
/// briefly exceed the bound (see <see cref="Count"/>).</item>
/// <item>One token request per identity, whichever plugin instance started it: if it
/// fails at the transport level (<see cref="KeystoneConnectionException"/>), callers
/// that came through another plugin instance get one more request, made through
/// such a caller's plugin, instead of that error.</item>
/// <item>With <see cref="TokenCacheOptions.RefreshInBackground"/>, a token due for
/// renewal is still handed out while a single background request replaces it;
/// callers wait only once it is within 120 s of its end.</item>
/// </list>
/// </remarks>
public sealed partial class TokenCache
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _systemClock;
    private readonly CacheTelemetry _telemetry;
    private readonly object _evictionLock = new();
    private int _count;

    /// <summary>Creates a cache.</summary>
    /// <param name="options">Limits and refresh timing; copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="InvalidOptionsException">The options are out of range.</exception>
    public TokenCache(TokenCacheOptions? options = null, TimeProvider? timeProvider = null, ILogger<TokenCache>? logger = null)
        : this(options, timeProvider, logger, meterFactory: null)
    {
    }

    /// <summary>Creates a cache whose instruments come from <paramref name="meterFactory"/>, as a cache resolved from DI does.</summary>
    /// <param name="options">Limits and refresh timing; copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="meterFactory">
    /// Creates the <see cref="KeystoneDiagnostics.MeterName"/> meter of this cache, so
    /// its counts are the container's own; null shares one static meter.
    /// </param>
    /// <exception cref="InvalidOptionsException">The options are out of range.</exception>
    public TokenCache(TokenCacheOptions? options, TimeProvider? timeProvider, ILogger<TokenCache>? logger, IMeterFactory? meterFactory)
    {
        _telemetry = CacheTelemetry.For(meterFactory);
        _options = (options ?? new TokenCacheOptions()).Clone();
        var failures = _options.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(TokenCacheOptions), failures);
        }

        _time = timeProvider ?? TimeProvider.System;
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (_options.Store is { } store)
        {
            // Lives as long as the store: a cache is made once per process (or container).
            store.Invalidated += OnStoreInvalidated;
        }
    }

    /// <summary>The process-wide cache, with default options.</summary>
    public static TokenCache Shared { get; } = new();

    /// <summary>
    /// The number of identities held, including ones whose token is being fetched.
    /// At most <see cref="MaxEntries"/> plus the identities whose token is being
    /// fetched for the first time (a request under way is never evicted, so that
    /// its identity keeps one request); a failed request leaves nothing behind.
    /// </summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The maximum number of identities held.</summary>
    public int MaxEntries => _options.MaxEntries;

    /// <summary>Drops every cached token. Requests in flight complete for their waiters.</summary>
    public void Clear()
    {
        foreach (var pair in _slots)
        {
            Detach(pair.Value);
        }
    }

    internal TimeProvider TimeProvider => _time;

    internal TokenCacheOptions Options => _options;

    /// <summary>The live slot of one identity, or null: never creates one (see <see cref="GetSlot"/>).</summary>
    internal Slot? FindSlot(string key) => _slots.TryGetValue(key, out var slot) ? slot : null;

    /// <summary>The slot of one identity, created if missing: only when a token request is needed.</summary>
    internal Slot GetSlot(string key)
    {
        while (true)
        {
            if (_slots.TryGetValue(key, out var existing))
            {
                return existing;
            }

            var created = new Slot(key);
            if (_slots.TryAdd(key, created))
            {
                Interlocked.Increment(ref _count);
                return created;
            }
        }
    }

    /// <summary>
    /// The hit path: the cached token if it is not due for renewal, else the shared
    /// fetch. <paramref name="slot"/> is null when the identity has no slot yet.
    /// </summary>
    internal ValueTask<AccessInfo> GetAsync(Slot? slot, string key, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter, CancellationToken cancellationToken)
    {
        var entry = slot?.Current;
        if (entry is not null)
        {
            if (IsFresh(entry))
            {
                _telemetry.Hits.Add(1);
                return new ValueTask<AccessInfo>(entry.Access);
            }

            if (_options.RefreshInBackground && IsUsable(entry))
            {
                _telemetry.Hits.Add(1);
                RefreshAhead(slot!, entry, inner, margin, jitter);
                return new ValueTask<AccessInfo>(entry.Access);
            }
        }

        return new ValueTask<AccessInfo>(MissAsync(slot, key, inner, margin, jitter, cancellationToken));
    }

    /// <summary>Compare-and-remove: drops the entry only while it still holds <paramref name="access"/>'s token.</summary>
    internal bool Invalidate(Slot? slot, string key, IAuthPlugin inner, AccessInfo access)
    {
        InvalidateShared(slot, inner, access);
        var entry = slot?.Current;
        var removed = entry is not null
            && (ReferenceEquals(entry.Access, access) || string.Equals(entry.Access.Token, access.Token, StringComparison.Ordinal))
            && ReferenceEquals(Interlocked.CompareExchange(ref slot!.CurrentField, null, entry), entry);
        var result = removed ? "removed" : "already_replaced";
        _telemetry.Invalidations.Add(1, new KeyValuePair<string, object?>("result", result));
        CacheLog.Invalidated(_logger, access.TokenFingerprint, Slot.PrefixOf(key), result);
        return removed;
    }

    private long NowTicks() => _time.GetUtcNow().UtcTicks;

    /// <summary>
    /// With the system clock a hit reads <see cref="Environment.TickCount64"/>
    /// (coarse monotonic, ms): a wall-clock read costs 25-80 ns on VMs, more than
    /// the rest of the hit. An injected clock (tests) is always asked.
    /// </summary>
    private bool IsFresh(Entry entry) =>
        _systemClock ? Environment.TickCount64 < entry.RefreshAtTickCount : NowTicks() < entry.RefreshAtTicks;

    /// <summary>True while the token is more than keystoneauth's 120 s from its end.</summary>
    private bool IsUsable(Entry entry) =>
        _systemClock ? Environment.TickCount64 < entry.UsableUntilTickCount : NowTicks() < UsableUntil(entry.Access);

    /// <summary>The last instant a token may be handed out: 120 s before its local expiry (UTC ticks).</summary>
    private static long UsableUntil(AccessInfo access) => (access.LocalExpiresAt - TokenCacheOptions.MinimumRefreshMargin).UtcTicks;
}
