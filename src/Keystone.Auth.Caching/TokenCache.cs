using System.Collections.Concurrent;
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
/// <item>At most <see cref="TokenCacheOptions.MaxEntries"/> identities: expired or
/// empty entries are evicted first, then those closest to renewal.</item>
/// <item>With <see cref="TokenCacheOptions.RefreshInBackground"/>, a token due for
/// renewal is still handed out while a single background request replaces it;
/// callers wait only once it is within 120 s of its end.</item>
/// </list>
/// </remarks>
public sealed class TokenCache
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly TokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _systemClock;
    private readonly object _evictionLock = new();
    private int _count;

    /// <summary>Creates a cache.</summary>
    /// <param name="options">Limits and refresh timing; copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="InvalidOptionsException">The options are out of range.</exception>
    public TokenCache(TokenCacheOptions? options = null, TimeProvider? timeProvider = null, ILogger<TokenCache>? logger = null)
    {
        _options = (options ?? new TokenCacheOptions()).Clone();
        var failures = _options.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(TokenCacheOptions), failures);
        }

        _time = timeProvider ?? TimeProvider.System;
        _systemClock = ReferenceEquals(_time, TimeProvider.System);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The process-wide cache, with default options.</summary>
    public static TokenCache Shared { get; } = new();

    /// <summary>The number of identities held (including ones whose token is being fetched).</summary>
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

    /// <summary>The slot of one identity, created on first use.</summary>
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

    /// <summary>The hit path: the cached token if it is not due for renewal, else the shared fetch.</summary>
    internal ValueTask<AccessInfo> GetAsync(Slot slot, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter, CancellationToken cancellationToken)
    {
        var entry = slot.Current;
        if (entry is not null)
        {
            if (IsFresh(entry))
            {
                CacheTelemetry.Hits.Add(1);
                return new ValueTask<AccessInfo>(entry.Access);
            }

            if (_options.RefreshInBackground && IsUsable(entry))
            {
                CacheTelemetry.Hits.Add(1);
                RefreshAhead(slot, entry, inner, margin, jitter);
                return new ValueTask<AccessInfo>(entry.Access);
            }
        }

        return new ValueTask<AccessInfo>(MissAsync(slot, inner, margin, jitter, cancellationToken));
    }

    /// <summary>Compare-and-remove: drops the entry only while it still holds <paramref name="access"/>'s token.</summary>
    internal bool Invalidate(Slot slot, AccessInfo access)
    {
        var entry = slot.Current;
        var removed = entry is not null
            && (ReferenceEquals(entry.Access, access) || string.Equals(entry.Access.Token, access.Token, StringComparison.Ordinal))
            && ReferenceEquals(Interlocked.CompareExchange(ref slot.CurrentField, null, entry), entry);
        var result = removed ? "removed" : "already_replaced";
        CacheTelemetry.Invalidations.Add(1, new KeyValuePair<string, object?>("result", result));
        CacheLog.Invalidated(_logger, access.TokenFingerprint, slot.KeyPrefix, result);
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

    /// <summary>
    /// Starts the background request that replaces <paramref name="entry"/>,
    /// unless one is under way, the entry was replaced, or the last background
    /// attempt failed less than <see cref="BackgroundRetryDelay"/> ago. The
    /// caller has its token already and never waits for this.
    /// </summary>
    private void RefreshAhead(Slot slot, Entry entry, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter)
    {
        if (slot.InFlight is not null || (slot.BackgroundRetryAtTicks != 0 && NowTicks() < slot.BackgroundRetryAtTicks))
        {
            return;
        }

        Flight flight;
        lock (slot)
        {
            if (slot.Detached || slot.InFlight is not null || !ReferenceEquals(slot.Current, entry))
            {
                return;
            }

            flight = slot.InFlight = new Flight(background: true);
        }

        CacheLog.RefreshingAhead(_logger, entry.Access.TokenFingerprint, slot.KeyPrefix);

        // On the thread pool: the plugin does some work before its first await
        // (options, request body), which this caller must not pay for.
        _ = Task.Run(() => FetchAsync(slot, flight, inner, margin, jitter));
    }

    /// <summary>How long a failed background refresh waits before the next one (the current token stays in use meanwhile).</summary>
    internal static readonly TimeSpan BackgroundRetryDelay = TimeSpan.FromSeconds(15);

    private async Task<AccessInfo> MissAsync(Slot slot, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter, CancellationToken cancellationToken)
    {
        // A caller that has already given up must not start a token request nobody waits for.
        cancellationToken.ThrowIfCancellationRequested();
        Flight flight;
        var start = false;
        while (true)
        {
            lock (slot)
            {
                // A request may start only in the key's live slot: one started in a
                // slot evicted meanwhile would run beside the live slot's own.
                if (!slot.Detached)
                {
                    // Another caller may have stored a token between our read and the lock.
                    var entry = slot.Current;
                    if (entry is not null && IsFresh(entry))
                    {
                        CacheTelemetry.Hits.Add(1);
                        return entry.Access;
                    }

                    flight = slot.InFlight ??= Start(out start);
                    flight.Waiters++;
                    break;
                }
            }

            slot = GetSlot(slot.Key);
        }

        CacheTelemetry.Misses.Add(1);
        if (start)
        {
            // Not awaited here: the fetch belongs to every waiter, not to this
            // caller, so this caller's cancellation must not stop it.
            _ = FetchAsync(slot, flight, inner, margin, jitter);
        }

        return await flight.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        static Flight Start(out bool started)
        {
            started = true;
            return new Flight();
        }
    }

    private async Task FetchAsync(Slot slot, Flight flight, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter)
    {
        AccessInfo access;
        try
        {
            access = await inner.GetAccessAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            int waiters;
            lock (slot)
            {
                slot.InFlight = null;
                waiters = flight.Waiters;
                if (flight.Background)
                {
                    slot.BackgroundRetryAtTicks = NowTicks() + BackgroundRetryDelay.Ticks;
                }
            }

            if (flight.Background)
            {
                CacheTelemetry.BackgroundRenewals.Add(1, new KeyValuePair<string, object?>("result", "failed"));
            }

            if (flight.Background && slot.Current is { } kept)
            {
                CacheLog.BackgroundRefreshFailed(_logger, slot.KeyPrefix, ex.GetType().Name, new DateTimeOffset(UsableUntil(kept.Access), TimeSpan.Zero));
            }

            CacheLog.FetchFailed(_logger, slot.KeyPrefix, waiters);
            flight.Completion.SetException(ex);

            // Mark the error observed: if every waiter cancelled, nobody else will.
            _ = flight.Completion.Task.Exception;
            return;
        }

        var refreshAt = RefreshAt(access, margin, jitter);
        var now = NowTicks();
        var tickCount = Environment.TickCount64;
        var entry = new Entry(
            access,
            refreshAt,
            tickCount + ((refreshAt - now) / TimeSpan.TicksPerMillisecond),
            tickCount + ((UsableUntil(access) - now) / TimeSpan.TicksPerMillisecond));
        lock (slot)
        {
            slot.Current = entry;
            slot.InFlight = null;
            slot.BackgroundRetryAtTicks = 0;
        }

        if (flight.Background)
        {
            CacheTelemetry.BackgroundRenewals.Add(1, new KeyValuePair<string, object?>("result", "succeeded"));
        }

        try
        {
            CacheLog.Stored(_logger, access.TokenFingerprint, slot.KeyPrefix, new DateTimeOffset(entry.RefreshAtTicks, TimeSpan.Zero));

            // Trim before waking the waiters, so the bound already holds when a
            // caller gets its token (and a caller's next call sees the result).
            TrimIfNeeded();
        }
        finally
        {
            flight.Completion.SetResult(access);
        }
    }

    /// <summary>
    /// When to stop handing out a token: its local expiry minus margin and jitter,
    /// but never closer than keystoneauth's 120 s to its end, and never so early
    /// that a short-lived token is renewed on every call (at most half its life).
    /// </summary>
    private long RefreshAt(AccessInfo access, TimeSpan margin, TimeSpan jitter)
    {
        var expires = access.LocalExpiresAt;
#pragma warning disable CA5394 // spreading renewals, not security
        var wanted = margin + (jitter > TimeSpan.Zero ? TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * jitter.Ticks)) : TimeSpan.Zero);
#pragma warning restore CA5394
        var life = expires - _time.GetUtcNow();
        var half = life / 2;
        if (wanted > half)
        {
            wanted = half;
        }

        if (wanted < TokenCacheOptions.MinimumRefreshMargin)
        {
            wanted = TokenCacheOptions.MinimumRefreshMargin;
        }

        return (expires - wanted).UtcTicks;
    }

    private void TrimIfNeeded()
    {
        var max = _options.MaxEntries;
        if (Volatile.Read(ref _count) <= max || !Monitor.TryEnter(_evictionLock))
        {
            // Someone else is trimming; this insert will be covered by them or the next one.
            return;
        }

        try
        {
            if (Volatile.Read(ref _count) <= max)
            {
                return;
            }

            var now = NowTicks();
            var live = new List<(Slot Slot, long RefreshAt)>(_slots.Count);
            int expired = 0, evicted = 0;
            foreach (var pair in _slots)
            {
                var slot = pair.Value;
                var entry = slot.Current;
                if (slot.InFlight is not null)
                {
                    continue;
                }

                if (entry is null || entry.Access.LocalExpiresAt.UtcTicks <= now)
                {
                    if (TryDetachIdle(slot))
                    {
                        expired++;
                        CacheTelemetry.Evictions.Add(1, new KeyValuePair<string, object?>("reason", entry is null ? "empty" : "expired"));
                    }
                }
                else
                {
                    live.Add((slot, entry.RefreshAtTicks));
                }
            }

            // Still over: drop the entries closest to renewal, with 5 % headroom
            // so that a full cache is not rescanned on every new identity.
            var target = Math.Max(1, max - (max / 20));
            var excess = Volatile.Read(ref _count) - target;
            if (excess > 0)
            {
                live.Sort(static (a, b) => a.RefreshAt.CompareTo(b.RefreshAt));
                for (var i = 0; i < live.Count && evicted < excess; i++)
                {
                    if (TryDetachIdle(live[i].Slot))
                    {
                        evicted++;
                        CacheTelemetry.Evictions.Add(1, new KeyValuePair<string, object?>("reason", "capacity"));
                    }
                }
            }

            CacheLog.Evicted(_logger, expired + evicted, expired, max);
        }
        finally
        {
            Monitor.Exit(_evictionLock);
        }
    }

    /// <summary>
    /// Evicts a slot unless a token request is under way in it. Checked under the
    /// slot's lock, where <see cref="MissAsync"/> starts requests, so that none can
    /// start in a slot between the check and its eviction.
    /// </summary>
    private bool TryDetachIdle(Slot slot)
    {
        lock (slot)
        {
            return slot.InFlight is null && Detach(slot);
        }
    }

    private bool Detach(Slot slot)
    {
        slot.Detached = true;
        if (_slots.TryRemove(new KeyValuePair<string, Slot>(slot.Key, slot)))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    /// <summary>One identity's state. The hit path reads <see cref="Current"/> only.</summary>
    internal sealed class Slot(string key)
    {
        internal Entry? CurrentField;

        public string Key { get; } = key;

        public string KeyPrefix => Key.Length > 8 ? Key[..8] : Key;

        public Entry? Current
        {
            get => Volatile.Read(ref CurrentField);
            set => Volatile.Write(ref CurrentField, value);
        }

        private volatile Flight? _inFlight;

        /// <summary>
        /// The token request under way, if any. Set and cleared under
        /// <c>lock (slot)</c>; read without it only as a hint (background refresh).
        /// </summary>
        public Flight? InFlight
        {
            get => _inFlight;
            set => _inFlight = value;
        }

        /// <summary>
        /// After a failed background refresh: no other before this (cache-clock
        /// ticks). Written under <c>lock (slot)</c>; read without it as a hint.
        /// </summary>
        public long BackgroundRetryAtTicks { get; set; }

        /// <summary>Set once evicted; holders of this slot must look the key up again.</summary>
        public volatile bool Detached;
    }

    /// <param name="Access">The token.</param>
    /// <param name="RefreshAtTicks">When to renew, UTC ticks of the cache's clock.</param>
    /// <param name="RefreshAtTickCount">The same instant on <see cref="Environment.TickCount64"/> (used with the system clock).</param>
    /// <param name="UsableUntilTickCount">On <see cref="Environment.TickCount64"/>, the last instant the token may be handed out (120 s before its local expiry; with the system clock).</param>
    internal sealed record Entry(AccessInfo Access, long RefreshAtTicks, long RefreshAtTickCount, long UsableUntilTickCount);

    internal sealed class Flight(bool background = false)
    {
        /// <summary>Started ahead of expiry by a hit, with nobody waiting on it.</summary>
        public bool Background { get; } = background;

        // Waiters resume on the thread pool, not inline on the fetching thread.
        public TaskCompletionSource<AccessInfo> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }
}
