using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// One authenticated request through the library over an in-memory handler that
/// returns the same 200 response object every time, against the floor: raw
/// <see cref="HttpClient.SendAsync(HttpRequestMessage)"/> with a fixed
/// <c>X-Auth-Token</c>. Every method builds its own <see cref="HttpRequestMessage"/>
/// (that allocation is the "request itself"). Target: overhead at most 1 µs per
/// call, no allocation beyond the request.
/// </summary>
[MemoryDiagnoser]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: disposed in [GlobalCleanup].")]
public class SessionSendBenchmarks
{
    private static readonly Uri s_absolute = new("https://10.0.0.1:6386/v1/ihosts");
    private static readonly Uri s_relative = new("/ihosts", UriKind.Relative);
    private static readonly EndpointFilter s_filter = new("platform", EndpointInterface.Admin);

    private InMemoryIdentity _id = null!;
    private HttpClient _handlerClient = null!;
    private HttpClient _baseAddressClient = null!;
    private HttpClient _floorHandlerClient = null!;
    private HttpClient _awaitingFloorClient = null!;
    private KeystoneSession _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _id = new InMemoryIdentity();
        _session = new KeystoneSession(_id.Auth, _id.Http);
        _handlerClient = OnCatalogBase(new KeystoneAuthHandler(_id.Auth, s_filter) { InnerHandler = _id.Handler });
        // The floors use the handler client's own base address: joining a path
        // to it costs 48 B more than to https://10.0.0.1:6386/v1/ (a longer
        // string, a DNS-style host), and that is .NET's cost, not ours.
        _baseAddressClient = OnCatalogBase(_id.Handler);
        _floorHandlerClient = OnCatalogBase(new FloorHandler(_id.Token) { InnerHandler = _id.Handler });
        _awaitingFloorClient = OnCatalogBase(new AwaitingFloorHandler(_id.Token) { InnerHandler = _id.Handler });
    }

    private static HttpClient OnCatalogBase(HttpMessageHandler handler) =>
        new(handler, disposeHandler: false) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };

    [GlobalCleanup]
    public void Cleanup()
    {
        var posts = _id.Handler.TokenPosts;
        _session.Dispose();
        _handlerClient.Dispose();
        _baseAddressClient.Dispose();
        _floorHandlerClient.Dispose();
        _awaitingFloorClient.Dispose();
        _id.Dispose();
        if (posts != 1)
        {
            throw new InvalidOperationException($"expected exactly 1 token POST (the warm-up), saw {posts}");
        }
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> RawHttpClientFixedToken() => _id.SendRawAsync(s_absolute);

    [Benchmark]
    public Task<HttpResponseMessage> SessionAbsoluteUrl() =>
        _session.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_absolute));

    /// <summary>The usual call: relative URL joined to the catalog endpoint (20-service catalog).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> SessionRelativeUrlViaCatalog() =>
        _session.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative), s_filter);

    /// <summary>The same through <see cref="KeystoneAuthHandler"/> (IHttpClientFactory style).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> HandlerRelativeUrlViaCatalog() =>
        _handlerClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative));

    /// <summary>
    /// What .NET charges any handler-based path before this library does
    /// anything: <see cref="HttpClient"/> joins the relative URL to
    /// <see cref="HttpClient.BaseAddress"/> (a new <see cref="Uri"/> per request).
    /// </summary>
    [Benchmark]
    public Task<HttpResponseMessage> FloorRawHttpClientBaseAddress()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, s_relative);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", _id.Token);
        return _baseAddressClient.SendAsync(request);
    }

    /// <summary>
    /// The floor of any <see cref="DelegatingHandler"/> that sends a relative URL
    /// somewhere: BaseAddress as above and one more handler in the chain, which
    /// adds the fixed token. <see cref="KeystoneAuthHandler"/> pays all of it.
    /// (It does not pay for <see cref="HttpRequestMessage.Options"/>, whose getter
    /// creates them: it looks for a per-request option without making any.)
    /// </summary>
    [Benchmark]
    public Task<HttpResponseMessage> FloorDelegatingHandler() =>
        _floorHandlerClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative));

    /// <summary>
    /// The floor of a handler that acts on the answer, as a re-authenticating
    /// one must (it cannot hand back the inner handler's Task unread): the same
    /// as <see cref="FloorDelegatingHandler"/>, but it awaits the inner handler
    /// and returns a Task of its own, the shape <see cref="DelegatingHandler"/>'s
    /// Task-returning <c>SendAsync</c> forces. Its glue is the cheapest measured
    /// (an async ValueTask method and <c>AsTask</c>; an async override was ~25 ns slower).
    /// </summary>
    [Benchmark]
    public Task<HttpResponseMessage> FloorDelegatingHandlerAwaiting() =>
        _awaitingFloorClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, s_relative));

    private sealed class AwaitingFloorHandler : DelegatingHandler
    {
        private readonly string _token;
        private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _next;

        public AwaitingFloorHandler(string token)
        {
            _token = token;
            _next = base.SendAsync;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            SendCoreAsync(request, cancellationToken).AsTask();

        private async ValueTask<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", _token);
            return await _next(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class FloorHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
