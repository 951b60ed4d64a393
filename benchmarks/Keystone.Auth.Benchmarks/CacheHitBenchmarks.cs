using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// One cache hit through <see cref="CachingPasswordAuth.GetAccessAsync"/> (pre-warmed,
/// inner <see cref="PasswordAuth"/> over an in-memory handler) against the floor:
/// a bare <see cref="ConcurrentDictionary{TKey, TValue}"/> lookup of the same token.
/// Target: at most 50 ns and 0 B per hit.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class CacheHitBenchmarks
{
    private readonly ConcurrentDictionary<string, AccessInfo> _dictionary = new(StringComparer.Ordinal);
    private InMemoryHandler _handler = null!;
    private HttpClient _http = null!;
    private CachingPasswordAuth _auth = null!;
    private string _key = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handler = new InMemoryHandler();
        _http = new HttpClient(_handler);
        var password = InMemoryHandler.CreatePasswordAuth(_http);
        _auth = new CachingPasswordAuth(password, new TokenCache());
        var warm = _auth.GetAccessAsync().AsTask().GetAwaiter().GetResult();
        _key = password.GetCacheId();
        _dictionary[_key] = warm;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // Every measured call must have been a hit: one token POST in all.
        var posts = _handler.TokenPosts;
        _http.Dispose();
        if (posts != 1)
        {
            throw new InvalidOperationException($"expected exactly 1 token POST (the warm-up), saw {posts}: the benchmark measured misses");
        }
    }

    [Benchmark(Baseline = true)]
    public AccessInfo? ConcurrentDictionaryTryGetValue()
    {
        _dictionary.TryGetValue(_key, out var access);
        return access;
    }

    [Benchmark]
    public AccessInfo CachingPasswordAuthHit()
    {
        var pending = _auth.GetAccessAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>What one read of the wall clock costs here (a hit must compare the token's renewal time with now).</summary>
    [Benchmark]
    public long ClockReadOnly() => TimeProvider.System.GetUtcNow().UtcTicks;
}

/// <summary>
/// The same hit with a shared token tier configured (<see cref="TokenCacheOptions.Store"/>):
/// the store is consulted only on a miss, so the hit must cost what it costs without one.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class CacheHitWithStoreBenchmarks
{
    private InMemoryHandler _handler = null!;
    private HttpClient _http = null!;
    private CachingPasswordAuth _plain = null!;
    private CachingPasswordAuth _tiered = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handler = new InMemoryHandler();
        _http = new HttpClient(_handler);
        _plain = new CachingPasswordAuth(InMemoryHandler.CreatePasswordAuth(_http), new TokenCache());
        _tiered = new CachingPasswordAuth(InMemoryHandler.CreatePasswordAuth(_http), new TokenCache(new TokenCacheOptions { Store = new EmptyStore() }));
        _plain.GetAccessAsync().AsTask().GetAwaiter().GetResult();
        _tiered.GetAccessAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var posts = _handler.TokenPosts;
        _http.Dispose();
        if (posts != 2)
        {
            throw new InvalidOperationException($"expected exactly 2 token POSTs (the warm-ups), saw {posts}: the benchmark measured misses");
        }
    }

    [Benchmark(Baseline = true)]
    public AccessInfo HitWithoutStore()
    {
        var pending = _plain.GetAccessAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public AccessInfo HitWithStore()
    {
        var pending = _tiered.GetAccessAsync();
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>A store that never has anything: the warm-up fetches from the handler.</summary>
    private sealed class EmptyStore : ITokenStore
    {
        public event Action<TokenStoreInvalidation>? Invalidated
        {
            add { }
            remove { }
        }

        public Task<TokenStoreEntry?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) => Task.FromResult<TokenStoreEntry?>(null);

        public Task<bool> SetAsync(TokenStoreKey key, string token, ReadOnlyMemory<byte> payload, TimeSpan remainingLife, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task<bool> RemoveIfMatchAsync(TokenStoreKey key, string token, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public Task<IAsyncDisposable?> TryAcquireLeaseAsync(TokenStoreKey key, TimeSpan duration, CancellationToken cancellationToken = default) => Task.FromResult<IAsyncDisposable?>(null);

        public Task<TokenStoreEntry?> WaitForEntryAsync(TokenStoreKey key, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.FromResult<TokenStoreEntry?>(null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
