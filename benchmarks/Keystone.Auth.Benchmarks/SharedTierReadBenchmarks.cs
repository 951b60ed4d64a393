using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.Redis;
using StackExchange.Redis;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// A shared-tier hit, as a fresh process's first call has it once its entry
/// key is derived (that one-time PBKDF2 is <see cref="SharedKeyBenchmarks"/>):
/// read the sealed entry from a real Redis, open it, rebuild the
/// <see cref="AccessInfo"/>. The baseline is a raw StackExchange.Redis GET of
/// the same bytes on the same server, in the same run. Starts its own
/// redis-server with scripts/redis (install it first: scripts/redis/install.sh).
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class SharedTierReadBenchmarks
{
    private const string EntryName = "bench-subcloud-token";

    private string _dir = null!;
    private RedisTokenStore _store = null!;
    private ConnectionMultiplexer _raw = null!;
    private IDatabase _db = null!;
    private TokenStoreKey _key = null!;
    private RedisKey _rawKey;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ks-bench-redis-").FullName;
        RunScript("start.sh", _dir, "auto");
        var config = $"127.0.0.1:{File.ReadAllText(Path.Combine(_dir, "port")).Trim()},password={File.ReadAllText(Path.Combine(_dir, "password")).Trim()}";

        _store = RedisTokenStore.ConnectAsync(new RedisTokenStoreOptions { Configuration = config }).GetAwaiter().GetResult();
        _raw = ConnectionMultiplexer.Connect(config);
        _db = _raw.GetDatabase();
        _key = new TokenStoreKey(EntryName, RandomNumberGenerator.GetBytes(TokenStoreKey.KeySize));
        _rawKey = new RedisTokenStoreOptions { Configuration = config }.KeyPrefix + EntryName;

        // A subcloud token with its 60-endpoint catalog, as the cache stores it.
        var access = Tokens.Build(1, DateTimeOffset.UtcNow);
        if (!_store.SetAsync(_key, access.Token, access.Export(), TimeSpan.FromHours(1)).GetAwaiter().GetResult())
        {
            throw new InvalidOperationException("could not store the benchmark's entry in Redis");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        RunScript("stop.sh", _dir);
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The floor: the same sealed bytes, fetched with one plain GET.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RawRedisGet()
    {
        var value = await _db.StringGetAsync(_rawKey).ConfigureAwait(false);
        return ((byte[])value!).Length;
    }

    /// <summary>The store's read: GET with the remaining life (one script), version check, AES-GCM open.</summary>
    [Benchmark]
    public async Task<int> StoreGet()
    {
        var entry = await _store.GetAsync(_key).ConfigureAwait(false) ?? throw new InvalidOperationException("the entry is gone");
        return entry.Payload.Length;
    }

    /// <summary>What the cache does with a shared hit: the store's read, then the token rebuilt from its export.</summary>
    [Benchmark]
    public async Task<AccessInfo> StoreGetAndImport()
    {
        var entry = await _store.GetAsync(_key).ConfigureAwait(false) ?? throw new InvalidOperationException("the entry is gone");
        return AccessInfo.Import(entry.Payload.Span);
    }

    private static void RunScript(string script, params string[] args)
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Keystone.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        var path = Path.Combine(dir ?? throw new InvalidOperationException("Keystone.sln not found above " + AppContext.BaseDirectory), "scripts", "redis", script);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run " + path);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/redis/{script} failed: {stderr.GetAwaiter().GetResult()}");
        }
    }
}
