using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Keystone.Auth.Tests;

/// <summary>
/// Real sockets on 127.0.0.1 only: refused connections, connect timeouts,
/// overall timeouts, caller cancellation and a server that hangs up mid-answer,
/// each mapped to its own type (or left as OperationCanceledException).
/// </summary>
public sealed class TransportErrorTests
{
    // Whether the deadline fires while connecting or while waiting for the
    // answer (a loaded CI machine may still be connecting), it is the overall
    // timeout and must never surface as a connect timeout.
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(400);

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static PasswordAuthOptions OptionsFor(Uri server, TimeSpan? requestTimeout = null)
    {
        var options = Fixtures.Options(authUrl: new Uri(server, "/v3").AbsoluteUri);
        if (requestTimeout is { } t)
        {
            options.RequestTimeout = t;
        }

        return options;
    }

    /// <summary>A session whose token comes from a <see cref="FakeCloud"/> and whose service calls go out over real sockets.</summary>
    private static SessionRig OverSockets(KeystoneSessionOptions? options = null, HttpMessageHandler? sockets = null) =>
        new(Via.Session, options, services: sockets ?? new HttpClientHandler());

    [Fact]
    public async Task Connection_refused_on_the_token_post_is_a_connect_failure()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var http = new HttpClient();

        var ex = await Assert.ThrowsAsync<ConnectFailureException>(() => new PasswordAuth(OptionsFor(url), http).GetAccessAsync().AsTask());

        Assert.Equal($"{url.AbsoluteUri}v3/auth/tokens", ex.RequestUri?.AbsoluteUri);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.DoesNotContain(Fixtures.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_on_a_service_call_is_a_connect_failure()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/v1/ihosts");
        using var rig = OverSockets();

        var ex = await Assert.ThrowsAsync<ConnectFailureException>(() => rig.Session.GetAsync(url.AbsoluteUri));

        Assert.Equal(url, ex.RequestUri);
        Assert.DoesNotContain("tok-1", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_timeout_is_its_own_type()
    {
        var connectAttempted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            ConnectCallback = async (_, ct) =>
            {
                connectAttempted.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                throw new UnreachableException();
            },
        };
        using var http = new HttpClient(handler);
        var auth = new PasswordAuth(OptionsFor(new Uri("http://127.0.0.1:9/"), TimeSpan.FromSeconds(30)), http);

        var ex = await Assert.ThrowsAsync<ConnectTimeoutException>(() => auth.GetAccessAsync().AsTask());

        Assert.True(connectAttempted.Task.IsCompleted);
        Assert.Equal("http://127.0.0.1:9/v3/auth/tokens", ex.RequestUri?.AbsoluteUri);
    }

    [Fact]
    public async Task Connect_timeout_on_a_service_call_is_its_own_type()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromMilliseconds(200),
            ConnectCallback = async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new UnreachableException();
            },
        };
        using var rig = OverSockets(new KeystoneSessionOptions { Timeout = TimeSpan.FromSeconds(30) }, handler);

        await Assert.ThrowsAsync<ConnectTimeoutException>(() => rig.Session.GetAsync("http://127.0.0.1:9/v1/ihosts"));
    }

    [Fact]
    public async Task Password_auth_request_timeout_against_a_silent_server_is_a_keystone_timeout()
    {
        await using var server = LoopbackServer.NeverAnswers();
        using var http = new HttpClient();
        var auth = new PasswordAuth(OptionsFor(server.Url(), s_shortTimeout), http);

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => auth.GetAccessAsync().AsTask());

        Assert.Equal(s_shortTimeout, ex.Timeout);
        Assert.Equal(server.Url("/v3/auth/tokens"), ex.RequestUri);
    }

    [Fact]
    public async Task Session_timeout_against_a_silent_server_is_a_keystone_timeout()
    {
        await using var server = LoopbackServer.NeverAnswers();
        using var rig = OverSockets(new KeystoneSessionOptions { Timeout = s_shortTimeout });

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => rig.Session.GetAsync(server.Url("/v1/ihosts").AbsoluteUri));

        Assert.Equal(s_shortTimeout, ex.Timeout);
        Assert.Equal(server.Url("/v1/ihosts"), ex.RequestUri);
    }

    [Fact]
    public async Task Http_client_timeout_against_a_silent_server_is_a_keystone_timeout_not_a_connect_timeout()
    {
        await using var server = LoopbackServer.NeverAnswers();
        using var http = new HttpClient { Timeout = s_shortTimeout };
        var auth = new PasswordAuth(OptionsFor(server.Url(), null), http);

        await Assert.ThrowsAsync<KeystoneTimeoutException>(() => auth.GetAccessAsync().AsTask());
    }

    [Fact]
    public async Task Caller_cancellation_of_the_token_post_stays_an_operation_canceled_exception()
    {
        await using var server = LoopbackServer.NeverAnswers();
        using var http = new HttpClient();
        var auth = new PasswordAuth(OptionsFor(server.Url(), TimeSpan.FromSeconds(30)), http);
        using var cts = new CancellationTokenSource();

        var call = auth.GetAccessAsync(cts.Token).AsTask();
        await server.RequestReceived.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotAssignableFrom<KeystoneException>(ex);
    }

    [Fact]
    public async Task Caller_cancellation_of_a_session_call_stays_an_operation_canceled_exception()
    {
        await using var server = LoopbackServer.NeverAnswers();
        using var rig = OverSockets(new KeystoneSessionOptions { Timeout = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource();

        var call = rig.Session.GetAsync(server.Url("/v1/x").AbsoluteUri, cancellationToken: cts.Token);
        await server.RequestReceived.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotAssignableFrom<KeystoneException>(ex);
    }

    [Fact]
    public async Task Already_cancelled_caller_gets_operation_canceled_not_a_connect_failure()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var http = new HttpClient();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PasswordAuth(OptionsFor(url), http).GetAccessAsync(cts.Token).AsTask());

        Assert.IsNotAssignableFrom<KeystoneException>(ex);
    }

    [Fact]
    public async Task Server_closing_mid_token_response_is_a_connection_error()
    {
        await using var server = LoopbackServer.ClosesMidResponse();
        using var http = new HttpClient();
        var auth = new PasswordAuth(OptionsFor(server.Url(), TimeSpan.FromSeconds(30)), http);

        var ex = await Assert.ThrowsAsync<KeystoneConnectionException>(() => auth.GetAccessAsync().AsTask());

        Assert.IsType<KeystoneConnectionException>(ex);
        Assert.Equal(server.Url("/v3/auth/tokens"), ex.RequestUri);
    }

    [Fact]
    public async Task Server_closing_mid_service_response_is_a_connection_error()
    {
        await using var server = LoopbackServer.ClosesMidResponse();
        using var rig = OverSockets();

        var ex = await Assert.ThrowsAsync<KeystoneConnectionException>(() => rig.Session.GetAsync(server.Url("/v1/ihosts").AbsoluteUri));

        Assert.IsType<KeystoneConnectionException>(ex);
    }

    [Fact]
    public async Task Server_closing_without_any_answer_is_a_connection_error()
    {
        await using var server = LoopbackServer.ClosesWithoutAnswer();
        using var http = new HttpClient();
        var auth = new PasswordAuth(OptionsFor(server.Url(), TimeSpan.FromSeconds(30)), http);

        var ex = await Assert.ThrowsAsync<KeystoneConnectionException>(() => auth.GetAccessAsync().AsTask());

        Assert.IsNotType<KeystoneTimeoutException>(ex.InnerException);
    }
}
