using Keystone.Auth.Caching.Diagnostics;

namespace Keystone.Auth.Caching;

// Keeping the cache within TokenCacheOptions.MaxEntries.
public sealed partial class TokenCache
{
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
                        _telemetry.Evictions.Add(1, new KeyValuePair<string, object?>("reason", entry is null ? "empty" : "expired"));
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
                        _telemetry.Evictions.Add(1, new KeyValuePair<string, object?>("reason", "capacity"));
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
        if (slot.StoreKey is { } storeKey)
        {
            _byEntryName.TryRemove(new KeyValuePair<string, Slot>(storeKey.EntryName, slot));
        }

        if (_slots.TryRemove(new KeyValuePair<string, Slot>(slot.Key, slot)))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }
}
