using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Endpoints;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// A relative request resolved by the resolver seam: the token's catalog (the
/// default, no resolver set) against a loaded <see cref="EndpointMap"/> of 1,000
/// subclouds (a hit: no lock, no refresh), both over the in-memory handler of
/// <see cref="SessionSendBenchmarks"/>, with raw HttpClient as the floor.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class EndpointResolverBenchmarks
{
    private static readonly Uri s_absolute = new("https://10.0.0.1:6386/v1/ihosts");
    private static readonly Uri s_relative = new("/ihosts", UriKind.Relative);
    private static readonly EndpointFilter s_catalogFilter = new("platform", EndpointInterface.Admin);
    private static readonly EndpointFilter s_mapFilter = new("platform", EndpointInterface.Admin, "subcloud500");

    private InMemoryIdentity _id = null!;
    private KeystoneSession _catalogSession = null!;
    private KeystoneSession _mapSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        _id = new InMemoryIdentity();
        _catalogSession = new KeystoneSession(_id.Auth, _id.Http);

        var regions = Enumerable.Range(1, 1000).Select(i => new KeystoneRegion($"subcloud{i}", null, null)).ToArray();
        var services = new[] { new KeystoneService("svc-p", "platform", "sysinv", true), new KeystoneService("svc-i", "identity", "keystone", true) };
        // IP hosts like the catalog's, so both joined URLs are about as long.
        var endpoints = regions.Select((r, n) => (r, host: $"10.{n / 250}.{n % 250}.2")).SelectMany(x => new[] { EndpointInterface.Admin, EndpointInterface.Internal, EndpointInterface.Public }.SelectMany(iface => new[]
        {
            new KeystoneEndpoint($"{x.r.Id}-p-{iface}", "svc-p", iface, x.r.Id, $"https://{x.host}:6386/v1", true),
            new KeystoneEndpoint($"{x.r.Id}-i-{iface}", "svc-i", iface, x.r.Id, $"https://{x.host}:5001/v3", true),
        })).ToArray();
        var map = new EndpointMap(_ => Task.FromResult(new EndpointListing(regions, services, endpoints)), null, null, null);
        map.RefreshAsync().GetAwaiter().GetResult();
        _mapSession = new KeystoneSession(_id.Auth, _id.Http, new KeystoneSessionOptions { EndpointResolver = map });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalogSession.Dispose();
        _mapSession.Dispose();
        _id.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> RawHttpClientFixedToken() => _id.SendRawAsync(s_absolute);

    /// <summary>No resolver set: the token's catalog, as before the seam existed.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> SessionRelativeUrlViaCatalog() =>
        _catalogSession.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative), s_catalogFilter);

    /// <summary>The endpoint map as the resolver, 1,000 subclouds loaded.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> SessionRelativeUrlViaEndpointMap() =>
        _mapSession.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative), s_mapFilter);
}
