using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Caching.Tests.TestSupport;

/// <summary>
/// An in-memory <see cref="ITokenStore"/> shared by several caches (= processes):
/// entries with a TTL on the fake clock, compare-and-delete that raises
/// <see cref="Invalidated"/> for every subscriber, an owner-only lease and a
/// bounded wait. It counts what it is asked, and can be made to throw or hang.
/// Payloads are kept as given (no encryption): tests tamper with them directly.
/// </summary>
internal sealed class MemoryTokenStore(FakeTimeProvider time) : ITokenStore
{
    private readonly ConcurrentDictionary<string, Stored> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> _leases = new(StringComparer.Ordinal);
    private readonly object _signal = new();
    private TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _gets, _sets, _removes, _leasesGranted, _waiting;

    public event Action<TokenStoreInvalidation>? Invalidated;

    public enum FaultMode { None, Throw, Hang }

    /// <summary>What every call does: work, throw, or never complete (ignoring cancellation).</summary>
    public FaultMode Fault { get; set; }

    public int Gets => Volatile.Read(ref _gets);

    public int Sets => Volatile.Read(ref _sets);

    /// <summary>Compare-and-delete calls that deleted an entry.</summary>
    public int Removes => Volatile.Read(ref _removes);

    public int LeasesGranted => Volatile.Read(ref _leasesGranted);

    /// <summary>Processes waiting in <see cref="WaitForEntryAsync"/> now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public IReadOnlyCollection<string> EntryNames => _entries.Keys.ToArray();

    public string? TokenIn(string entryName) => _entries.TryGetValue(entryName, out var e) ? e.Token : null;

    /// <summary>Replaces every payload with <paramref name="tamper"/>'s version of it.</summary>
    public void Tamper(Func<byte[], byte[]> tamper)
    {
        foreach (var pair in _entries)
        {
            _entries[pair.Key] = pair.Value with { Payload = tamper(pair.Value.Payload.ToArray()) };
        }
    }

    /// <summary>Tells every subscriber that <paramref name="token"/> was dropped from <paramref name="key"/>'s entry.</summary>
    public void Broadcast(TokenStoreKey key, string token)
    {
        var hash = new byte[TokenStoreKey.KeySize];
        key.HashToken(token, hash);
        Invalidated?.Invoke(new TokenStoreInvalidation(key.EntryName, hash));
    }

    public async Task<TokenStoreEntry?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        await Faults();
        Interlocked.Increment(ref _gets);
        return Read(key);
    }

    public async Task<bool> SetAsync(TokenStoreKey key, string token, ReadOnlyMemory<byte> payload, TimeSpan remainingLife, CancellationToken cancellationToken = default)
    {
        await Faults();
        if (remainingLife <= TimeSpan.Zero)
        {
            return false;
        }

        Interlocked.Increment(ref _sets);
        _entries[key.EntryName] = new Stored(token, payload.ToArray(), time.GetUtcNow() + remainingLife);
        lock (_signal)
        {
            _stored.TrySetResult();
            _stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return true;
    }

    /// <summary>While true, deletes answer "not held" and change nothing: a delete that has not landed yet.</summary>
    public bool DeferRemoves { get; set; }

    public async Task<bool> RemoveIfMatchAsync(TokenStoreKey key, string token, CancellationToken cancellationToken = default)
    {
        await Faults();
        if (!DeferRemoves && _entries.TryGetValue(key.EntryName, out var e) && e.Token == token
            && _entries.TryRemove(new KeyValuePair<string, Stored>(key.EntryName, e)))
        {
            Interlocked.Increment(ref _removes);
            Broadcast(key, token);
            return true;
        }

        return false;
    }

    public async Task<IAsyncDisposable?> TryAcquireLeaseAsync(TokenStoreKey key, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        await Faults();
        var owner = new object();
        if (!_leases.TryAdd(key.EntryName, owner))
        {
            return null;
        }

        Interlocked.Increment(ref _leasesGranted);
        return new Lease(() => _leases.TryRemove(new KeyValuePair<string, object>(key.EntryName, owner)));
    }

    public async Task<TokenStoreEntry?> WaitForEntryAsync(TokenStoreKey key, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await Faults();
        Interlocked.Increment(ref _waiting);
        try
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                Task next;
                lock (_signal)
                {
                    next = _stored.Task;
                }

                if (Read(key) is { } entry)
                {
                    return entry;
                }

                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                await Task.WhenAny(next, Task.Delay(left, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private TokenStoreEntry? Read(TokenStoreKey key)
    {
        if (!_entries.TryGetValue(key.EntryName, out var e))
        {
            return null;
        }

        var left = e.ExpiresAt - time.GetUtcNow();
        return left > TimeSpan.Zero ? new TokenStoreEntry(e.Payload, left) : null;
    }

    private Task Faults() => Fault switch
    {
        FaultMode.Throw => throw new CryptographicException("store exploded"),
        FaultMode.Hang => new TaskCompletionSource().Task,
        _ => Task.CompletedTask,
    };

    private sealed record Stored(string Token, byte[] Payload, DateTimeOffset ExpiresAt);

    private sealed class Lease(Action release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            release();
            return ValueTask.CompletedTask;
        }
    }
}
