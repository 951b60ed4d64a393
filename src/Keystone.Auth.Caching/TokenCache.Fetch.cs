using Keystone.Auth.Caching.Diagnostics;

namespace Keystone.Auth.Caching;

// Token requests: on a miss (shared by every waiter), ahead of expiry, and their deadline.
public sealed partial class TokenCache
{
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

            flight = slot.InFlight = new Flight(inner, background: true);
        }

        CacheLog.RefreshingAhead(_logger, entry.Access.TokenFingerprint, slot.KeyPrefix);

        // On the thread pool: the plugin does some work before its first await
        // (options, request body), which this caller must not pay for.
        _ = Task.Run(() => FetchAsync(slot, flight, inner, margin, jitter));
    }

    /// <summary>How long a failed background refresh waits before the next one (the current token stays in use meanwhile).</summary>
    internal static readonly TimeSpan BackgroundRetryDelay = TimeSpan.FromSeconds(15);

    private async Task<AccessInfo> MissAsync(Slot? slot, string key, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter, CancellationToken cancellationToken)
    {
        // A caller that has already given up must not start a token request nobody
        // waits for, nor create a slot that only a request would fill.
        cancellationToken.ThrowIfCancellationRequested();
        Flight flight;
        var start = false;
        while (true)
        {
            // Created here, not when a plugin is constructed: a slot exists only for
            // an identity that has a token or a request under way.
            slot ??= GetSlot(key);
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
                        _telemetry.Hits.Add(1);
                        return entry.Access;
                    }

                    flight = slot.InFlight ??= Start(inner, out start);
                    if (!start && flight.Alternate is null && !ReferenceEquals(flight.Starter, inner))
                    {
                        flight.Alternate = inner;
                    }

                    flight.Waiters++;
                    break;
                }
            }

            slot = null;
        }

        _telemetry.Misses.Add(1);
        if (start)
        {
            // Not awaited here: the fetch belongs to every waiter, not to this
            // caller, so this caller's cancellation must not stop it.
            _ = FetchAsync(slot, flight, inner, margin, jitter);
        }

        try
        {
            return await flight.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KeystoneConnectionException) when (flight.Retry is { } retry && !ReferenceEquals(flight.Starter, inner))
        {
            // Another plugin (another HttpClient: its CA, proxy, client
            // certificate) could not reach Keystone; this caller's may. The retry
            // is shared by every such waiter and not retried again.
            return await retry.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        static Flight Start(IAuthPlugin starter, out bool started)
        {
            started = true;
            return new Flight(starter);
        }
    }

    /// <summary>
    /// Runs one token request for its waiters, within <see cref="TokenCacheOptions.FetchTimeout"/>
    /// whatever the plugin does with the cancellation token.
    /// </summary>
    private async Task FetchAsync(Slot slot, Flight flight, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter)
    {
        var timeout = _options.FetchTimeout;
        using var deadline = new CancellationTokenSource(timeout, _time);
        Task<AccessInfo> request;
        try
        {
            request = RequestAsync(slot, inner, margin, jitter, deadline.Token);
        }
        catch (Exception ex)
        {
            request = Task.FromException<AccessInfo>(ex);
        }

        AccessInfo access;
        try
        {
            // The waiters stop at the deadline even if the plugin never returns
            // (no timeout of its own, a body that stalls after the headers, a
            // plugin that ignores its token): otherwise the identity would wait forever.
            access = await request.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var error = ex;
            if (ex is OperationCanceledException && deadline.IsCancellationRequested)
            {
                error = new KeystoneTimeoutException((inner as PasswordAuth)?.TokenUrl, timeout, ex);
                CacheLog.FetchAbandoned(_logger, slot.KeyPrefix, timeout.TotalSeconds);
                if (!request.IsCompleted)
                {
                    DiscardWhenDone(request, slot.KeyPrefix);
                }
            }

            Fail(slot, flight, error, margin, jitter);
            return;
        }

        Store(slot, flight, access, margin, jitter);
    }

    /// <summary>
    /// An abandoned request may still end: its token is never cached (the slot
    /// belongs to newer requests by then) and its error is observed, not left to
    /// <see cref="TaskScheduler.UnobservedTaskException"/>.
    /// </summary>
    private void DiscardWhenDone(Task<AccessInfo> request, string keyPrefix) =>
        request.ContinueWith(
            static (done, state) =>
            {
                var (cache, prefix) = ((TokenCache, string))state!;
                if (done.IsCompletedSuccessfully)
                {
                    CacheLog.LateResultDiscarded(cache._logger, done.Result.TokenFingerprint, prefix);
                }
                else
                {
                    _ = done.Exception;
                }
            },
            (this, keyPrefix),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void Fail(Slot slot, Flight flight, Exception error, TimeSpan margin, TimeSpan jitter)
    {
        int waiters;
        Flight? retry = null;
        lock (slot)
        {
            if (ReferenceEquals(slot.InFlight, flight))
            {
                slot.InFlight = null;
            }

            waiters = flight.Waiters;
            if (flight.Background)
            {
                slot.BackgroundRetryAtTicks = NowTicks() + BackgroundRetryDelay.Ticks;
            }

            if (error is KeystoneConnectionException && !flight.IsRetry && flight.Alternate is { } alternate
                && !slot.Detached && slot.InFlight is null)
            {
                // Started here, under the lock, so that every waiter from another
                // plugin follows this one request and no newcomer starts a second.
                retry = slot.InFlight = new Flight(alternate, isRetry: true);
                flight.Retry = retry;
            }
            else if (slot.Current is null && slot.InFlight is null)
            {
                // Nothing is cached after a failure, so no slot is kept either:
                // identities that only ever fail must not grow the cache past its bound.
                Detach(slot);
            }
        }

        if (flight.Background)
        {
            _telemetry.BackgroundRenewals.Add(1, new KeyValuePair<string, object?>("result", "failed"));
        }

        if (flight.Background && slot.Current is { } kept)
        {
            CacheLog.BackgroundRefreshFailed(_logger, slot.KeyPrefix, error.GetType().Name, new DateTimeOffset(UsableUntil(kept.Access), TimeSpan.Zero));
        }

        CacheLog.FetchFailed(_logger, slot.KeyPrefix, waiters);
        if (retry is not null)
        {
            CacheLog.RetryingThroughOtherPlugin(_logger, slot.KeyPrefix, error.GetType().Name);
            _ = FetchAsync(slot, retry, retry.Starter, margin, jitter);
        }

        flight.Completion.SetException(error);

        // Mark the error observed: if every waiter cancelled, nobody else will.
        _ = flight.Completion.Task.Exception;
    }

    private void Store(Slot slot, Flight flight, AccessInfo access, TimeSpan margin, TimeSpan jitter)
    {
        var refreshAt = RefreshAt(access, margin, jitter);
        var now = NowTicks();
        var tickCount = Environment.TickCount64;
        var entry = new Entry(
            access,
            refreshAt,
            tickCount + ((refreshAt - now) / TimeSpan.TicksPerMillisecond),
            tickCount + ((UsableUntil(access) - now) / TimeSpan.TicksPerMillisecond));
        bool stored;
        lock (slot)
        {
            // Compare before store: only the slot's current request may write, so a
            // request the slot no longer points at can never overwrite a newer token.
            stored = ReferenceEquals(slot.InFlight, flight);
            if (stored)
            {
                slot.Current = entry;
                slot.InFlight = null;
                slot.BackgroundRetryAtTicks = 0;
            }
        }

        if (flight.Background)
        {
            _telemetry.BackgroundRenewals.Add(1, new KeyValuePair<string, object?>("result", "succeeded"));
        }

        try
        {
            if (stored)
            {
                CacheLog.Stored(_logger, access.TokenFingerprint, slot.KeyPrefix, new DateTimeOffset(entry.RefreshAtTicks, TimeSpan.Zero));

                // Trim before waking the waiters, so the bound already holds when a
                // caller gets its token (and a caller's next call sees the result).
                TrimIfNeeded();
            }
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
}
