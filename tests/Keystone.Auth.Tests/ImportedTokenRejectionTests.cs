using System.Collections.Concurrent;
using System.Net;

namespace Keystone.Auth.Tests;

/// <summary>
/// A token imported from another holder (the shared tier) may already be dead
/// when it is handed out for a resend. Its rejection earns one more round with
/// a new token; any other second rejection ends the call, and nothing loops.
/// Sends are counted at the HTTP layer.
/// </summary>
public sealed class ImportedTokenRejectionTests
{
    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task A_rejected_imported_token_on_the_resend_gets_one_more_round(Via via)
    {
        var service = new Service("tok-1", "tok-2");
        var plugin = new Scripted(Fresh("tok-1"), Imported("tok-2"), Fresh("tok-3"));

        using var response = await SendAsync(via, plugin, service);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["tok-1", "tok-2", "tok-3"], service.Seen);
        Assert.Equal(["tok-1", "tok-2"], plugin.Invalidated);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task A_rejected_fresh_token_on_the_resend_ends_the_call(Via via)
    {
        var service = new Service("tok-1", "tok-2");
        var plugin = new Scripted(Fresh("tok-1"), Fresh("tok-2"), Fresh("tok-3"));

        using var response = await SendAsync(via, plugin, service);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["tok-1", "tok-2"], service.Seen);
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Imported_tokens_rejected_again_and_again_stop_after_one_extra_round(Via via)
    {
        var service = new Service("tok-1", "tok-2", "tok-3", "tok-4");
        var plugin = new Scripted(Imported("tok-1"), Imported("tok-2"), Imported("tok-3"), Imported("tok-4"));

        using var response = await SendAsync(via, plugin, service);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["tok-1", "tok-2", "tok-3"], service.Seen);
    }

    [Fact]
    public async Task An_imported_token_handed_out_again_after_its_rejection_ends_the_call()
    {
        var service = new Service("tok-1");
        var plugin = new Scripted(Imported("tok-1"), Imported("tok-1"), Fresh("tok-2"));

        using var response = await SendAsync(Via.Session, plugin, service);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["tok-1", "tok-1"], service.Seen);
    }

    private static async Task<HttpResponseMessage> SendAsync(Via via, IAuthPlugin plugin, Service service)
    {
        var options = new KeystoneSessionOptions { RaiseOnError = false };
        var request = new HttpRequestMessage(HttpMethod.Put, "https://sysinv.test:6385/v1/ihosts/1") { Content = new StringContent("{\"a\":1}") };
        if (via == Via.Session)
        {
            using var session = new KeystoneSession(plugin, new HttpClient(service), options);
            return await session.SendAsync(request);
        }

        using var client = new HttpClient(new KeystoneAuthHandler(plugin, options: options) { InnerHandler = service });
        return await client.SendAsync(request);
    }

    private static AccessInfo Fresh(string token) => new() { Token = token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };

    private static AccessInfo Imported(string token) => AccessInfo.Import(Fresh(token).Export());

    /// <summary>A service that refuses the listed tokens and records every token it receives.</summary>
    private sealed class Service(params string[] dead) : HttpMessageHandler
    {
        private readonly ConcurrentQueue<string> _seen = new();

        public IReadOnlyList<string> Seen => [.. _seen];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var token = request.Headers.GetValues("X-Auth-Token").Single();
            _seen.Enqueue(token);
            return Task.FromResult(new HttpResponseMessage(dead.Contains(token) ? HttpStatusCode.Unauthorized : HttpStatusCode.OK));
        }
    }

    /// <summary>A plugin that hands out the given tokens in order, and says yes to every invalidation.</summary>
    private sealed class Scripted(params AccessInfo[] tokens) : IAuthPlugin
    {
        private readonly Queue<AccessInfo> _next = new(tokens);
        private readonly List<string> _invalidated = [];
        private AccessInfo? _current;

        public IReadOnlyList<string> Invalidated => _invalidated;

        public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
            new(_current ??= _next.Dequeue());

        public bool Invalidate(AccessInfo access)
        {
            _invalidated.Add(access.Token);
            _current = null;
            return true;
        }

        public string? GetCacheId() => null;
    }
}
