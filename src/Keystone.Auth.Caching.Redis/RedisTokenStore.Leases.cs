using System.Security.Cryptography;
using Keystone.Auth.Caching.Redis.Diagnostics;
using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis;

public sealed partial class RedisTokenStore
{
    // Waiters for "stored" notifications, by entry name; each wait round adds
    // a fresh completion source BEFORE it reads, so a store that lands between
    // the read and the wait still wakes it.
    private readonly Dictionary<string, List<TaskCompletionSource>> _waiters = new(StringComparer.Ordinal);

    /// <summary>For tests: a wait found no entry and now sleeps until notified (or the poll interval).</summary>
    internal event Action<string>? WaitingForNotification;

    /// <inheritdoc />
    public async Task<IAsyncDisposable?> TryAcquireLeaseAsync(TokenStoreKey key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (duration <= TimeSpan.Zero)
        {
            return null;
        }

        var owner = RandomNumberGenerator.GetHexString(32);
        var leaseKey = LeaseKey(key);
        var (ok, acquired) = await TryRunAsync(
            "lease",
            db => db.StringSetAsync(leaseKey, owner, duration, When.NotExists),
            cancellationToken).ConfigureAwait(false);
        return ok && acquired ? new Lease(this, leaseKey, owner) : null;
    }

    /// <inheritdoc />
    public async Task<TokenStoreEntry?> WaitForEntryAsync(TokenStoreKey key, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var start = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var signal = AddWaiter(key.EntryName);
            try
            {
                var (reached, entry) = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
                if (entry is not null)
                {
                    _telemetry.LeaseWaits.Add(1, StoreTelemetry.Tag("outcome", "stored"));
                    _telemetry.Hits.Add(1);
                    return entry;
                }

                if (!reached)
                {
                    // Redis is not answering: waiting longer cannot help
                    _telemetry.LeaseWaits.Add(1, StoreTelemetry.Tag("outcome", "unavailable"));
                    _telemetry.Misses.Add(1);
                    return null;
                }

                var left = timeout - TimeProvider.System.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    _telemetry.LeaseWaits.Add(1, StoreTelemetry.Tag("outcome", "timeout"));
                    _telemetry.Misses.Add(1);
                    return null;
                }

                // Woken by the notification, or after the poll interval in case it was lost.
                // A wait that sleeps to its end without news stops there: the caller fetches.
                var lastNap = left <= _options.WaitPollInterval;
                var nap = lastNap ? left : _options.WaitPollInterval;
                WaitingForNotification?.Invoke(key.EntryName);
                var woken = await Task.WhenAny(signal.Task, Task.Delay(nap, cancellationToken)).ConfigureAwait(false) == signal.Task;
                cancellationToken.ThrowIfCancellationRequested();
                if (!woken && lastNap)
                {
                    _telemetry.LeaseWaits.Add(1, StoreTelemetry.Tag("outcome", "timeout"));
                    _telemetry.Misses.Add(1);
                    return null;
                }
            }
            finally
            {
                RemoveWaiter(key.EntryName, signal);
            }
        }
    }

    /// <summary>Releases a lease only if <paramref name="owner"/> still holds it.</summary>
    internal async Task<bool> ReleaseLeaseAsync(RedisKey leaseKey, string owner)
    {
        var (ok, result) = await TryRunAsync(
            "release",
            db => db.ScriptEvaluateAsync(RedisScripts.ReleaseIfOwner, [leaseKey], [owner]),
            CancellationToken.None).ConfigureAwait(false);
        return ok && !result.IsNull && (long)result == 1;
    }

    private async Task SubscribeAsync()
    {
        var subscriber = _redis.GetSubscriber();
        await Subscribe(subscriber, _invalidatedChannel, (_, message) => OnInvalidated(message)).ConfigureAwait(false);
        await Subscribe(subscriber, _storedChannel, (_, message) => OnStored(message)).ConfigureAwait(false);
    }

    private async Task Subscribe(ISubscriber subscriber, RedisChannel channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            // StackExchange.Redis keeps the subscription and renews it on every reconnect,
            // also when this first attempt fails because Redis is down.
            await subscriber.SubscribeAsync(channel, handler).WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Not connected at start is already one warning; a refusal while connected (ACL) is news.
            if (_redis.IsConnected)
            {
                StoreLog.SubscribeFailed(_logger, channel.ToString(), Describe(ex));
            }
            else
            {
                StoreLog.OperationFailed(_logger, "subscribe", Describe(ex));
            }
        }
    }

    private void OnStored(RedisValue message)
    {
        var name = (string?)message;
        if (string.IsNullOrEmpty(name))
        {
            StoreLog.BadMessage(_logger, "stored");
            return;
        }

        List<TaskCompletionSource>? ready;
        lock (_waiters)
        {
            if (!_waiters.Remove(name, out ready))
            {
                return;
            }
        }

        foreach (var waiter in ready)
        {
            waiter.TrySetResult();
        }
    }

    private TaskCompletionSource AddWaiter(string name)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (!_waiters.TryGetValue(name, out var list))
            {
                _waiters[name] = list = [];
            }

            list.Add(signal);
        }

        return signal;
    }

    private void RemoveWaiter(string name, TaskCompletionSource signal)
    {
        lock (_waiters)
        {
            if (_waiters.TryGetValue(name, out var list) && list.Remove(signal) && list.Count == 0)
            {
                _waiters.Remove(name);
            }
        }
    }

    private void CancelWaiters()
    {
        List<TaskCompletionSource> all;
        lock (_waiters)
        {
            all = _waiters.Values.SelectMany(l => l).ToList();
            _waiters.Clear();
        }

        foreach (var waiter in all)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>A held lease; disposing releases it if this owner still holds it. Never throws.</summary>
    private sealed class Lease(RedisTokenStore store, RedisKey key, string owner) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await store.ReleaseLeaseAsync(key, owner).ConfigureAwait(false);
            }
        }

        public override string ToString() => "RedisTokenStore.Lease";
    }
}
