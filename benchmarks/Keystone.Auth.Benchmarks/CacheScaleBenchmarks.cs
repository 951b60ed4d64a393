using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// Hits spread at random over N cached identities, each holding a token with a
/// 20-service, 3-interface catalog. The lookup time should not grow with N
/// (beyond CPU cache effects, which the baseline dictionary shows too). The
/// memory per entry is measured in <see cref="Setup"/> and printed; the
/// <c>--memory</c> mode of the program prints it as a table.
/// </summary>
[MemoryDiagnoser]
public class CacheScaleBenchmarks
{
    private const int Lookups = 4096;

    private ConcurrentDictionary<string, AccessInfo> _dictionary = null!;
    private CachingPasswordAuth[] _auths = null!;
    private string[] _keys = null!;
    private int[] _order = null!;

    [Params(1_000, 10_000)]
    public int Identities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var filled = CacheFill.Create(Identities);
        Console.WriteLine($"// memory: {filled.Report()}");
        _auths = filled.Auths;
        _keys = filled.Keys;
        _dictionary = new ConcurrentDictionary<string, AccessInfo>(StringComparer.Ordinal);
        for (var i = 0; i < Identities; i++)
        {
            _dictionary[_keys[i]] = filled.Accesses[i];
        }

        // A fixed pseudo-random walk over all identities, so both methods touch
        // the same entries in the same order and the CPU cache cannot hide N.
        var random = new Random(42);
        _order = new int[Lookups];
        for (var i = 0; i < Lookups; i++)
        {
            _order[i] = random.Next(Identities);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Lookups)]
    public int ConcurrentDictionaryTryGetValue()
    {
        var found = 0;
        foreach (var i in _order)
        {
            if (_dictionary.TryGetValue(_keys[i], out var access))
            {
                found += access.Token.Length;
            }
        }

        return found;
    }

    /// <summary>Each identity's own <see cref="CachingPasswordAuth"/> (as a long-lived session would hold it).</summary>
    [Benchmark(OperationsPerInvoke = Lookups)]
    public int CachingPasswordAuthHit()
    {
        var found = 0;
        foreach (var i in _order)
        {
            var pending = _auths[i].GetAccessAsync();
            found += (pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult()).Token.Length;
        }

        return found;
    }

    /// <summary>
    /// Then the endpoint lookup a relative request does (20 services, admin
    /// interface of the 7th). The catalog remembers its last answer, so after the
    /// first request per token this is that memo.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Lookups)]
    public int HitThenCatalogEndpoint()
    {
        var filter = new EndpointFilter("dcorch-dbsync", EndpointInterface.Admin);
        var found = 0;
        foreach (var i in _order)
        {
            var pending = _auths[i].GetAccessAsync();
            var access = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            found += access.Catalog.GetEndpoint(filter).Length;
        }

        return found;
    }

    /// <summary>
    /// The same with two filters taking turns on every catalog, so every lookup
    /// misses the memo: the full walk over the compact catalog plus the URL it
    /// builds (the first request per token and filter). One operation is a hit
    /// and TWO walks.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Lookups)]
    public int HitThenCatalogWalk()
    {
        var filters = new[] { new EndpointFilter("dcorch-dbsync", EndpointInterface.Admin), new EndpointFilter("object-store", EndpointInterface.Public) };
        var found = 0;
        var turn = 0;
        foreach (var i in _order)
        {
            var pending = _auths[i].GetAccessAsync();
            var access = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            found += access.Catalog.GetEndpoint(filters[turn ^= 1]).Length;
            found += access.Catalog.GetEndpoint(filters[turn ^= 1]).Length;
        }

        return found;
    }
}

/// <summary>A <see cref="TokenCache"/> filled with N identities, and what that cost in managed memory.</summary>
internal sealed class CacheFill(CachingPasswordAuth[] auths, string[] keys, AccessInfo[] accesses, long accessBytes, long cacheBytes)
{
    public int Count => Keys.Length;

    public CachingPasswordAuth[] Auths { get; } = auths;

    public string[] Keys { get; } = keys;

    public AccessInfo[] Accesses { get; } = accesses;

    /// <summary>Bytes of the tokens themselves (AccessInfo + catalog), all N.</summary>
    public long AccessBytes { get; } = accessBytes;

    /// <summary>Bytes the cache adds on top (slots, entries, dictionary, one CachingPasswordAuth + key per identity).</summary>
    public long CacheBytes { get; } = cacheBytes;

    public static CacheFill Create(int count)
    {
        var now = DateTimeOffset.UtcNow;
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            // the shape of a real cache id: 64 hex digits of a SHA-256
            keys[i] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
        }

        var before = Measure();
        var accesses = new AccessInfo[count];
        for (var i = 0; i < count; i++)
        {
            accesses[i] = Tokens.Build(i, now);
        }

        var afterAccess = Measure();
        var cache = new TokenCache(new TokenCacheOptions { MaxEntries = Math.Max(count, 10_000) });
        var auths = new CachingPasswordAuth[count];
        for (var i = 0; i < count; i++)
        {
            auths[i] = new CachingPasswordAuth(new StaticAuth(keys[i], accesses[i]), cache);
            _ = auths[i].GetAccessAsync().AsTask().GetAwaiter().GetResult();
        }

        var afterCache = Measure();
        if (cache.Count != count)
        {
            throw new InvalidOperationException($"cache holds {cache.Count} identities, expected {count}");
        }

        GC.KeepAlive(accesses);
        return new CacheFill(auths, keys, accesses, afterAccess - before, afterCache - afterAccess);
    }

    /// <summary>Bytes of N catalogs alone: N tokens built with a catalog, minus N built without.</summary>
    public static long CatalogBytes(int count)
    {
        var now = DateTimeOffset.UtcNow;
        var before = Measure();
        var full = new AccessInfo[count];
        for (var i = 0; i < count; i++)
        {
            full[i] = Tokens.Build(i, now);
        }

        var withCatalogs = Measure() - before;
        GC.KeepAlive(full);
        full = null;
        before = Measure();
        var bare = new AccessInfo[count];
        for (var i = 0; i < count; i++)
        {
            bare[i] = Tokens.Build(i, now, withCatalog: false);
        }

        var without = Measure() - before;
        GC.KeepAlive(bare);
        return withCatalogs - without;
    }

    public string Report() =>
        $"{Count} identities: tokens+catalogs {AccessBytes / Count:N0} B/entry, cache overhead {CacheBytes / Count:N0} B/entry, " +
        $"total {(AccessBytes + CacheBytes) / Count:N0} B/entry = {(AccessBytes + CacheBytes) / 1024.0 / 1024.0:N1} MB";

    /// <summary>Managed heap bytes in use after a full, finalized collection.</summary>
    internal static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
