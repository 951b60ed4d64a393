using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// 2, 8 and 64 threads hitting the cache at once, on one identity (every
/// thread reads the same slot) and on many (1,024 identities, threads walk
/// them at different offsets). A lock or a shared write on the hit path would
/// show as a ratio growing with the thread count. Reported time is per hit
/// (wall time / all hits of all threads); on this 2-core machine at most two
/// threads run at once, so the ideal is half the single-thread time.
/// </summary>
[MemoryDiagnoser]
public class ContentionBenchmarks
{
    private const int TotalHits = 1 << 18;
    private const int ManyKeys = 1024;

    private ConcurrentDictionary<string, AccessInfo> _dictionary = null!;
    private CachingPasswordAuth[] _auths = null!;
    private string _oneKey = null!;
    private ParallelOptions _parallel = null!;

    [Params(2, 8, 64)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Parallel.For must really get one pool thread per worker at once.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, Threads + 4), io);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Threads };
        var filled = CacheFill.Create(ManyKeys);
        _auths = filled.Auths;
        _oneKey = filled.Keys[0];
        _dictionary = new ConcurrentDictionary<string, AccessInfo>(StringComparer.Ordinal);
        _dictionary[_oneKey] = filled.Accesses[0];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalHits)]
    public void DictionaryOneKey() => Parallel.For(0, Threads, _parallel, _ =>
    {
        var per = TotalHits / Threads;
        for (var i = 0; i < per; i++)
        {
            _dictionary.TryGetValue(_oneKey, out var _);
        }
    });

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public void CacheOneKey() => Parallel.For(0, Threads, _parallel, _ =>
    {
        var auth = _auths[0];
        var per = TotalHits / Threads;
        for (var i = 0; i < per; i++)
        {
            var pending = auth.GetAccessAsync();
            if (!pending.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("miss in a hit benchmark");
            }
        }
    });

    [Benchmark(OperationsPerInvoke = TotalHits)]
    public void CacheManyKeys() => Parallel.For(0, Threads, _parallel, t =>
    {
        var per = TotalHits / Threads;
        var k = (t * 97) % ManyKeys;
        for (var i = 0; i < per; i++)
        {
            var pending = _auths[k].GetAccessAsync();
            if (!pending.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("miss in a hit benchmark");
            }

            k = (k + 1) & (ManyKeys - 1);
        }
    });
}
