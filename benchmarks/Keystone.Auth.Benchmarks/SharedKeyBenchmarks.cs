using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// The one-off cost of a plugin's shared-tier entry name and key
/// (<see cref="ISharedTokenIdentity"/>, PBKDF2-HMAC-SHA-256): what each
/// password guess costs someone who reads the store, and what each plugin
/// instance pays once, on its first miss with a store. Baseline: one SHA-256
/// of the same input size, i.e. what a fast hash would have cost the guesser.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class SharedKeyBenchmarks
{
    private readonly byte[] _input = new byte[64];
    private readonly byte[] _output = new byte[32];
    private HttpClient _http = null!;

    [GlobalSetup]
    public void Setup() => _http = new HttpClient();

    [GlobalCleanup]
    public void Cleanup() => _http.Dispose();

    [Benchmark(Baseline = true)]
    public int Sha256() => System.Security.Cryptography.SHA256.HashData(_input, _output);

    [Benchmark]
    public string DeriveSharedTokenKey()
    {
        // A new plugin each time: the derivation is kept per instance.
        ISharedTokenIdentity plugin = new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = "https://keystone.test:5001/v3", Username = "dcmanager", UserDomainName = "Default",
            Password = "s3cret", ProjectName = "services", ProjectDomainName = "Default",
        }, _http);
        return plugin.DeriveSharedTokenKey(_output);
    }
}
