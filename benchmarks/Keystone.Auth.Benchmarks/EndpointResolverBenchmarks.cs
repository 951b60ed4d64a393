using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using Keystone.Auth.Caching;
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

    private InMemoryHandler _handler = null!;
    private HttpClient _http = null!;
    private KeystoneSession _catalogSession = null!;
    private KeystoneSession _mapSession = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _handler = new InMemoryHandler();
        _http = new HttpClient(_handler, disposeHandler: false);
        var auth = new CachingPasswordAuth(InMemoryHandler.CreatePasswordAuth(_http), new TokenCache());
        _catalogSession = new KeystoneSession(auth, _http);
        _token = _catalogSession.GetAccessAsync().AsTask().GetAwaiter().GetResult().Token;

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
        _mapSession = new KeystoneSession(auth, _http, new KeystoneSessionOptions { EndpointResolver = map });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _catalogSession.Dispose();
        _mapSession.Dispose();
        _http.Dispose();
        _handler.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> RawHttpClientFixedToken()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, s_absolute);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _token);
        return _http.SendAsync(request);
    }

    /// <summary>No resolver set: the token's catalog, as before the seam existed.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> SessionRelativeUrlViaCatalog() =>
        _catalogSession.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative), s_catalogFilter);

    /// <summary>The endpoint map as the resolver, 1,000 subclouds loaded.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> SessionRelativeUrlViaEndpointMap() =>
        _mapSession.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative), s_mapFilter);
}
