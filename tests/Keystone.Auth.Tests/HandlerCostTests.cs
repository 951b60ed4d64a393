using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Tests;

/// <summary>
/// The handler path costs no more than the session path, in bytes: both are
/// measured against their own floor over the same in-memory transport, on this
/// thread (every call completes synchronously). Time is for the benchmarks.
/// </summary>
public sealed class HandlerCostTests
{
    private const int Rounds = 64;
    private static readonly Uri Relative = new("/ihosts", UriKind.Relative);

    [Fact]
    public async Task The_handler_allocates_no_more_over_its_floor_than_the_session_over_raw_HttpClient()
    {
        using var transport = new Answering();
        using var authHttp = new HttpClient(transport, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), authHttp), new TokenCache());
        var token = (await auth.GetAccessAsync()).Token;
        var endpoint = (await auth.GetAccessAsync()).Catalog.GetEndpoint(Fixtures.Platform);

        using var raw = new HttpClient(transport, disposeHandler: false);
        using var session = new KeystoneSession(auth, raw);
        using var floor = new HttpClient(new FloorHandler(token) { InnerHandler = transport }, disposeHandler: false) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };
        using var handler = new HttpClient(new KeystoneAuthHandler(auth, Fixtures.Platform) { InnerHandler = transport }, disposeHandler: false) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };
        var absolute = new Uri(endpoint.TrimEnd('/') + "/ihosts");

        var rawBytes = Allocated(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, absolute);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return raw.SendAsync(request);
        });
        var sessionBytes = Allocated(() => session.SendAsync(new HttpRequestMessage(HttpMethod.Get, Relative), Fixtures.Platform));
        var floorBytes = Allocated(() => floor.SendAsync(new HttpRequestMessage(HttpMethod.Get, Relative)));
        var handlerBytes = Allocated(() => handler.SendAsync(new HttpRequestMessage(HttpMethod.Get, Relative)));

        // Counted at the transport: every call went out once, to the catalog
        // endpoint, with the token, and the only token POST was the first one.
        Assert.Equal(1, transport.TokenPosts);
        Assert.All(transport.Seen[^Rounds..], s => Assert.Equal((absolute.AbsoluteUri, token), s));
        Assert.True(
            handlerBytes - floorBytes <= sessionBytes - rawBytes,
            $"handler {handlerBytes} B over its floor {floorBytes} B; session {sessionBytes} B over raw {rawBytes} B");
    }

    [Theory]
    [InlineData("/ihosts", "/v1/ihosts")]
    [InlineData("ihosts?limit=5&marker=a", "/v1/ihosts?limit=5&marker=a")]
    [InlineData("/a/../b", "/v1/b")]
    [InlineData("/../../x", "/v1/x")]
    [InlineData("/a%2Fb/c%20d", "/v1/a%2Fb/c%20d")]
    [InlineData("/x#frag", "/v1/x")]
    [InlineData("/é", "/v1/%C3%A9")]
    public async Task A_url_on_the_catalog_base_goes_where_its_path_says(string path, string expected)
    {
        using var transport = new Answering(sharedAnswer: false);
        using var authHttp = new HttpClient(transport, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), authHttp), new TokenCache());
        using var client = new HttpClient(new KeystoneAuthHandler(auth, Fixtures.Platform) { InnerHandler = transport }, disposeHandler: false) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };

        // Twice: the second answer comes from the sender's memo of its last URL.
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, new Uri(transport.Seen[^1].Url).PathAndQuery);
        }

        Assert.Equal(1, transport.TokenPosts);
        Assert.Equal(2, transport.Seen.Length);
        Assert.All(transport.Seen, s => Assert.Equal("tok-cost", s.Token));
    }

    private static long Allocated(Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; i < 8; i++)
        {
            Assert.True(send().IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            _ = send();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }

    /// <summary>A DelegatingHandler doing the least a per-request-option handler must: read the options, add the token.</summary>
    private sealed class FloorHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _ = request.Options.TryGetValue(KeystoneRequestOptions.EndpointFilter, out _);
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers the token POST, and every other request with one cached 200 (no allocation per answer) or a new one.</summary>
    private sealed class Answering(bool sharedAnswer = true) : HttpMessageHandler
    {
        private readonly HttpResponseMessage _ok = new(HttpStatusCode.OK);
        private Task<HttpResponseMessage>? _okTask;
        private readonly (string Url, string? Token)[] _seen = new (string, string?)[1024];
        private int _count;

        public int TokenPosts { get; private set; }

        public (string Url, string? Token)[] Seen => _seen.AsSpan(0, _count).ToArray();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                TokenPosts++;
                return Task.FromResult(Fixtures.TokenResponse("tok-cost"));
            }

            // Every path measured pays the same for this record, so it cancels out.
            _seen[_count++ % _seen.Length] = (request.RequestUri!.AbsoluteUri, request.Headers.NonValidated.TryGetValues("X-Auth-Token", out var v) ? v.ToString() : null);
            return sharedAnswer ? _okTask ??= Task.FromResult(_ok) : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _ok.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
