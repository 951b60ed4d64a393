using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>
/// One identity, several plugin instances on different HttpClients (each its own
/// Keystone look-alike here): they share one token request, and a transport
/// failure of one client is not handed to callers of another.
/// </summary>
public sealed class SharedFetchTests
{
    private static HttpRequestException TlsFailure() =>
        new(HttpRequestError.SecureConnectionError, "The remote certificate is invalid", new AuthenticationException("untrusted root"));

    private static HttpRequestException Refused() =>
        new(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));

    [Fact]
    public async Task A_caller_with_a_working_client_gets_a_token_when_the_shared_request_failed_on_another_clients_TLS()
    {
        using var h = new CacheHarness();
        using var other = new Client(h);
        h.Server.Fault = _ => throw TlsFailure();
        var broken = h.Auth();
        var healthy = other.Auth();

        h.Server.HoldPosts();
        var brokenCallers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await broken.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 3));
        var healthyCallers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () => await healthy.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 6));
        h.Server.Release();

        foreach (var caller in brokenCallers)
        {
            await Assert.ThrowsAsync<TlsFailureException>(() => caller.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        var tokens = await Task.WhenAll(healthyCallers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(1, other.Server.Posts);

        // Still one token for the identity: the broken client's next call is a hit on it.
        var hit = broken.GetAccessAsync();
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.Same(tokens[0], await hit);
        Assert.Equal(1, h.Server.Posts);
    }

    [Fact]
    public async Task Callers_through_several_other_plugins_share_one_retry()
    {
        using var h = new CacheHarness();
        using var second = new Client(h);
        using var third = new Client(h);
        h.Server.Fault = _ => throw Refused();
        var broken = h.Auth();
        var plugins = Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? second : third).Auth()).ToArray();

        h.Server.HoldPosts();
        var first = Task.Run(async () => await broken.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 1));
        var callers = plugins.Select(p => Task.Run(async () => await p.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 21));
        h.Server.Release();

        await Assert.ThrowsAsync<ConnectFailureException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(1, second.Server.Posts + third.Server.Posts);
    }

    [Fact]
    public async Task A_retry_that_fails_too_is_not_retried_again()
    {
        using var h = new CacheHarness();
        using var second = new Client(h);
        using var third = new Client(h);
        using var late = new Client(h);
        h.Server.Fault = _ => throw TlsFailure();
        second.Server.Fault = _ => throw Refused();
        third.Server.Fault = _ => throw Refused();
        var broken = h.Auth();
        var others = new[] { second.Auth(), third.Auth() };

        h.Server.HoldPosts();
        var retryGates = new[] { second.Server.HoldPosts(), third.Server.HoldPosts() };
        var first = Task.Run(async () => await broken.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 1));
        var callers = others.Select(p => Task.Run(async () => await p.GetAccessAsync())).ToArray();
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 3));
        h.Server.Release();
        await Assert.ThrowsAsync<TlsFailureException>(() => first.WaitAsync(TimeSpan.FromSeconds(30)));

        // While the retry is under way, a caller through yet another client joins it.
        Assert.True(await Wait.UntilAsync(() => second.Server.Posts + third.Server.Posts == 1));
        var newcomer = Task.Run(async () => await late.Auth().GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(broken) == 1));
        foreach (var gate in retryGates)
        {
            gate.TrySetResult();
        }

        foreach (var caller in callers.Append(newcomer))
        {
            await Assert.ThrowsAsync<ConnectFailureException>(() => caller.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(1, second.Server.Posts + third.Server.Posts);
        Assert.Equal(0, late.Server.Posts);
        Assert.Equal(0, h.Cache.Count);
    }

    public static TheoryData<string> AnswersFromKeystone => new() { "401", "503" };

    [Theory]
    [MemberData(nameof(AnswersFromKeystone))]
    public async Task An_answer_from_Keystone_is_shared_by_every_caller_and_not_retried(string status)
    {
        using var h = new CacheHarness();
        using var other = new Client(h);
        h.Server.Fault = _ => status == "401"
            ? TokenServer.Error(HttpStatusCode.Unauthorized, "The request you have made requires authentication.")
            : TokenServer.Error(HttpStatusCode.ServiceUnavailable, "busy");
        var first = h.Auth();
        var second = other.Auth();

        h.Server.HoldPosts();
        var a = Task.Run(async () => await first.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(first) == 1));
        var b = Task.Run(async () => await second.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(first) == 2));
        h.Server.Release();

        var errorA = await Assert.ThrowsAnyAsync<KeystoneHttpException>(() => a.WaitAsync(TimeSpan.FromSeconds(30)));
        var errorB = await Assert.ThrowsAnyAsync<KeystoneHttpException>(() => b.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Same(errorA, errorB);
        Assert.Equal(1, h.Server.Posts);
        Assert.Equal(0, other.Server.Posts);
    }

    [Fact]
    public async Task A_request_abandoned_at_the_deadline_is_not_retried_through_another_plugin()
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero, FetchTimeout = TimeSpan.FromSeconds(60) });
        using var other = new Client(h);
        var first = h.Auth();
        var second = other.Auth();

        h.Server.HoldPosts();
        var a = Task.Run(async () => await first.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(first) == 1));
        var b = Task.Run(async () => await second.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(first) == 2));
        h.Time.Advance(TimeSpan.FromSeconds(60));

        var errorA = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => a.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Same(errorA, await Assert.ThrowsAsync<KeystoneTimeoutException>(() => b.WaitAsync(TimeSpan.FromSeconds(30))));
        Assert.Equal(0, other.Server.Posts);
    }

    /// <summary>Another HttpClient, over its own counting token server, for the harness's identity.</summary>
    private sealed class Client : IDisposable
    {
        private readonly CacheHarness _h;
        private readonly HttpClient _http;

        public Client(CacheHarness h)
        {
            _h = h;
            Server = new TokenServer(h.Time);
            _http = new HttpClient(Server, disposeHandler: false);
        }

        public TokenServer Server { get; }

        public CachingPasswordAuth Auth() => new(new PasswordAuth(CacheHarness.Identity(), _http, null, _h.Time), _h.Cache);

        public void Dispose()
        {
            Server.Release();
            _http.Dispose();
            Server.Dispose();
        }
    }
}
