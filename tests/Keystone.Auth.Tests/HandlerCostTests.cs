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
    [InlineData("/v2.1/servers?name=a.b", "/v1/v2.1/servers?name=a.b")]
    [InlineData("/a/./b", "/v1/a/b")]
    [InlineData("/a/.", "/v1/a/")]
    [InlineData("/.well-known/x", "/v1/.well-known/x")]
    [InlineData("/a\\b", "/v1/a/b")]
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

    [Fact]
    public async Task User_information_on_the_catalog_placeholder_never_reaches_the_endpoint()
    {
        using var transport = new Answering(sharedAnswer: false);
        using var authHttp = new HttpClient(transport, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), authHttp), new TokenCache());
        using var client = new HttpClient(new KeystoneAuthHandler(auth, Fixtures.Platform) { InnerHandler = transport }, disposeHandler: false);

        // Twice: the second is answered from the memo of the placeholder's text.
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(new Uri("http://user:s3cret@keystone-catalog.invalid/ihosts?x=1"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(
            [(Fixtures.PlatformAdminUrl + "/ihosts?x=1", "tok-cost"), (Fixtures.PlatformAdminUrl + "/ihosts?x=1", "tok-cost")],
            transport.Seen);
    }

    [Fact]
    public async Task A_repeated_catalog_url_follows_the_catalog_of_the_token_it_goes_out_with()
    {
        // The second token's catalog moved the platform service: the same
        // placeholder URL (the sender remembers its last one) must follow it.
        using var transport = new Moving();
        using var authHttp = new HttpClient(transport, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), authHttp), new TokenCache());
        using var client = new HttpClient(new KeystoneAuthHandler(auth, Fixtures.Platform) { InnerHandler = transport }, disposeHandler: false) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };

        foreach (var path in new[] { "/ihosts", "/ihosts", "/isystems", "/ihosts" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, transport.TokenPosts);
        Assert.Equal(
            [
                ("http://a.test:6385/v1/ihosts", "tok-1"),
                ("http://a.test:6385/v1/ihosts", "tok-1"),
                ("http://b.test:6385/v2/ihosts", "tok-2"),
                ("http://b.test:6385/v2/isystems", "tok-2"),
                ("http://b.test:6385/v2/ihosts", "tok-2"),
            ],
            transport.Seen);
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

    /// <summary>
    /// A DelegatingHandler doing the least a handler must: add the token. It does
    /// not read <see cref="HttpRequestMessage.Options"/> (the getter creates them),
    /// and neither may the handler, or it is ~100 B over.
    /// </summary>
    private sealed class FloorHandler(string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers the token POST, and every other request with one cached 200 (no allocation per answer) or a new one.</summary>
    private sealed class Answering(bool sharedAnswer = true) : HttpMessageHandler
    {
        private readonly HttpResponseMessage _ok = new(HttpStatusCode.OK);
        private Task<HttpResponseMessage>? _okTask;
        private readonly (Uri Url, string? Token)[] _seen = new (Uri, string?)[1024];
        private int _count;

        public int TokenPosts { get; private set; }

        public (string Url, string? Token)[] Seen => [.. _seen.AsSpan(0, _count).ToArray().Select(s => (s.Url.AbsoluteUri, s.Token))];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                TokenPosts++;
                return Task.FromResult(Fixtures.TokenResponse("tok-cost"));
            }

            // Recorded without allocating: the URL's text is made only when asked
            // for (a fresh Uri would pay for it here, the sender's reused one not).
            _seen[_count++ % _seen.Length] = (request.RequestUri!, request.Headers.NonValidated.TryGetValues("X-Auth-Token", out var v) ? v.ToString() : null);
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

    /// <summary>Two tokens whose catalogs put the platform service in two places; the second service call refuses the first token.</summary>
    private sealed class Moving : HttpMessageHandler
    {
        private readonly List<(string Url, string? Token)> _seen = [];

        public int TokenPosts { get; private set; }

        public (string Url, string? Token)[] Seen => [.. _seen];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                TokenPosts++;
                var url = TokenPosts == 1 ? "http://a.test:6385/v1" : "http://b.test:6385/v2";
                return Task.FromResult(Fixtures.TokenResponse($"tok-{TokenPosts}", Fixtures.BodyWithCatalog("platform", ("admin", url))));
            }

            var token = request.Headers.NonValidated.TryGetValues("X-Auth-Token", out var v) ? v.ToString() : null;
            _seen.Add((request.RequestUri!.AbsoluteUri, token));
            var status = _seen.Count == 2 ? HttpStatusCode.Unauthorized : HttpStatusCode.OK;
            return Task.FromResult(new HttpResponseMessage(status));
        }
    }
}
