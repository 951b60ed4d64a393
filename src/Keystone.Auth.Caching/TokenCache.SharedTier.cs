using System.Collections.Concurrent;
using Keystone.Auth.Caching.Diagnostics;

namespace Keystone.Auth.Caching;

// The shared tier (TokenCacheOptions.Store): read on an in-process miss, inside
// the single flight, and told of rejected tokens. It only ever saves token
// requests: every fault of the store ends in the plugin's own request.
public sealed partial class TokenCache
{
    private readonly ConcurrentDictionary<string, Slot> _byEntryName = new(StringComparer.Ordinal);

    /// <summary>
    /// The request a flight makes: through the shared tier when there is one and
    /// the plugin can name its shared entry, else straight to the plugin.
    /// </summary>
    private Task<AccessInfo> RequestAsync(Slot slot, IAuthPlugin inner, TimeSpan margin, TimeSpan jitter, CancellationToken deadline) =>
        _options.Store is { } store && inner is ISharedTokenIdentity shared
            ? ThroughStoreAsync(store, slot, inner, shared, margin, jitter, deadline)
            : inner.GetAccessAsync(deadline).AsTask();

    private async Task<AccessInfo> ThroughStoreAsync(ITokenStore store, Slot slot, IAuthPlugin inner, ISharedTokenIdentity shared, TimeSpan margin, TimeSpan jitter, CancellationToken deadline)
    {
        var wait = _options.StoreWaitTimeout;

        // The first derivation is slow on purpose (PBKDF2): on the thread pool,
        // not on the thread of the caller that started the flight.
        var key = slot.StoreKey ?? await Task.Run(() => StoreKeyOf(slot, shared), CancellationToken.None).ConfigureAwait(false);
        if (key is null)
        {
            return await inner.GetAccessAsync(deadline).ConfigureAwait(false);
        }

        var (ok, found) = await CallStoreAsync("get", slot, ct => store.GetAsync(key, ct), wait, deadline).ConfigureAwait(false);
        if (!ok)
        {
            return await inner.GetAccessAsync(deadline).ConfigureAwait(false);
        }

        if (await AdoptAsync(store, slot, key, found, margin, jitter, deadline).ConfigureAwait(false) is { } adopted)
        {
            return adopted;
        }

        var (leaseOk, lease) = await CallStoreAsync("lease", slot, ct => store.TryAcquireLeaseAsync(key, wait, ct), wait, deadline).ConfigureAwait(false);
        if (!leaseOk)
        {
            return await inner.GetAccessAsync(deadline).ConfigureAwait(false);
        }

        if (lease is null)
        {
            // Another process is fetching: wait for its token, bounded; fetch
            // ourselves when the wait runs out (it may have died).
            var (waitOk, waited) = await CallStoreAsync("wait", slot, ct => store.WaitForEntryAsync(key, wait, ct), wait + wait, deadline).ConfigureAwait(false);
            if (waitOk && await AdoptAsync(store, slot, key, waited, margin, jitter, deadline).ConfigureAwait(false) is { } delivered)
            {
                return delivered;
            }

            if (waitOk)
            {
                _telemetry.StoreFallbacks.Add(1, new KeyValuePair<string, object?>("reason", "wait_ran_out"));
            }

            var own = await inner.GetAccessAsync(deadline).ConfigureAwait(false);
            _ = PublishAsync(store, slot, key, own, null, deadline);
            return own;
        }

        AccessInfo access;
        try
        {
            // The lease was free, but the previous holder may have stored its
            // token between our read and our lease: read once more before asking Keystone.
            var (againOk, again) = await CallStoreAsync("get", slot, ct => store.GetAsync(key, ct), wait, deadline).ConfigureAwait(false);
            if (againOk && await AdoptAsync(store, slot, key, again, margin, jitter, deadline).ConfigureAwait(false) is { } late)
            {
                _ = ReleaseAsync(slot, lease);
                return late;
            }

            access = await inner.GetAccessAsync(deadline).ConfigureAwait(false);
        }
        catch
        {
            _ = ReleaseAsync(slot, lease);
            throw;
        }

        _ = PublishAsync(store, slot, key, access, lease, deadline);
        return access;
    }

    /// <summary>
    /// The identity's entry name and key, derived once per slot (the derivation
    /// is slow on purpose); null when the plugin cannot give them.
    /// </summary>
    private TokenStoreKey? StoreKeyOf(Slot slot, ISharedTokenIdentity shared)
    {
        if (slot.StoreKey is { } known)
        {
            return known;
        }

        Span<byte> material = stackalloc byte[TokenStoreKey.KeySize];
        try
        {
            var key = new TokenStoreKey(shared.DeriveSharedTokenKey(material), material);
            slot.StoreKey = key;
            _byEntryName[key.EntryName] = slot;
            if (slot.Detached)
            {
                // Evicted meanwhile: the live slot will map the name itself.
                _byEntryName.TryRemove(new KeyValuePair<string, Slot>(key.EntryName, slot));
            }

            return key;
        }
#pragma warning disable CA1031 // a plugin that cannot name its entry is simply not shared
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fallback("key", slot, ex);
            return null;
        }
        finally
        {
            material.Clear();
        }
    }

    /// <summary>
    /// A store entry as a token to use, or null: unreadable, the token this
    /// process saw rejected (then deleted from the store again), or too close
    /// to its end. The local expiry is now + the life the store measured.
    /// </summary>
    private async Task<AccessInfo?> AdoptAsync(ITokenStore store, Slot slot, TokenStoreKey key, TokenStoreEntry? entry, TimeSpan margin, TimeSpan jitter, CancellationToken deadline)
    {
        if (entry is null || entry.RemainingLife <= TimeSpan.Zero)
        {
            return null;
        }

        AccessInfo access;
        try
        {
            access = AccessInfo.Import(entry.Payload.Span, _time);
            var exportedLife = access.LocalExpiresAt - _time.GetUtcNow();
            if (entry.RemainingLife < exportedLife)
            {
                // The payload counts from its export, the store from now: take the store's.
                access = AccessInfo.Import(entry.Payload.Span, new ShiftedTime(_time, entry.RemainingLife - exportedLife));
            }
        }
#pragma warning disable CA1031 // a bad entry is ignored and fetched over, never thrown
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fallback("unreadable", slot, ex);
            return null;
        }

        if (slot.WasRejected(access.Token))
        {
            var rejected = access.Token;
            // A service refused this very token here; the delete we sent may not
            // have landed yet. Never hand it out again: delete it (again) and fetch.
            _telemetry.StoreFallbacks.Add(1, new KeyValuePair<string, object?>("reason", "rejected_token"));
            await CallStoreAsync("remove", slot, ct => store.RemoveIfMatchAsync(key, rejected, ct), _options.StoreWaitTimeout, deadline).ConfigureAwait(false);
            return null;
        }

        return entry.RemainingLife > StoreThreshold(access, margin, jitter) ? access : null;
    }

    /// <summary>
    /// The least remaining life a shared token needs to be adopted: the full
    /// refresh margin and jitter (so a token this process would renew soon is
    /// renewed once for the fleet, not adopted again), or for a short-lived
    /// token half its life as Keystone states it, never under 120 s.
    /// </summary>
    private static TimeSpan StoreThreshold(AccessInfo access, TimeSpan margin, TimeSpan jitter)
    {
        var threshold = margin + jitter;
        if (access.IssuedAt is { } issued && access.ExpiresAt > issued)
        {
            var half = (access.ExpiresAt - issued) / 2;
            if (threshold > half)
            {
                threshold = half < TokenCacheOptions.MinimumRefreshMargin ? TokenCacheOptions.MinimumRefreshMargin : half;
            }
        }

        return threshold;
    }

    /// <summary>Stores a fetched token for the fleet, then releases the lease; never delays this process's callers.</summary>
    private async Task PublishAsync(ITokenStore store, Slot slot, TokenStoreKey key, AccessInfo access, IAsyncDisposable? lease, CancellationToken deadline)
    {
        try
        {
            // A request abandoned at FetchTimeout is never cached here; nor is it shared.
            var remaining = access.LocalExpiresAt - _time.GetUtcNow();
            if (!deadline.IsCancellationRequested && remaining > TimeSpan.Zero)
            {
                byte[] payload;
                try
                {
                    payload = access.Export(_time);
                }
#pragma warning disable CA1031 // a token that cannot be exported is just not shared
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Fallback("export", slot, ex);
                    return;
                }

                try
                {
                    await CallStoreAsync("set", slot, ct => store.SetAsync(key, access.Token, payload, remaining, ct), _options.StoreWaitTimeout, CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    // The exported form holds the token in clear.
                    Array.Clear(payload);
                }
            }
        }
        finally
        {
            if (lease is not null)
            {
                await ReleaseAsync(slot, lease).ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseAsync(Slot slot, IAsyncDisposable lease) =>
        await CallStoreAsync("release", slot, async _ => { await lease.DisposeAsync().ConfigureAwait(false); return true; }, _options.StoreWaitTimeout, CancellationToken.None).ConfigureAwait(false);

    /// <summary>A clock <paramref name="offset"/> away from another: used to import a payload against the store's remaining life.</summary>
    private sealed class ShiftedTime(TimeProvider inner, TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + offset;
    }
}
