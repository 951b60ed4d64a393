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
