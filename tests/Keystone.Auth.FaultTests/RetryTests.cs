using System.Net;
using System.Net.Sockets;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Transient retries of service calls (KeystoneSessionOptions.ConnectRetries,
/// StatusCodeRetries...). Attempts are counted by the server; delays are read
/// from the timers the library creates on an injected clock, never waited for.
/// </summary>
public sealed class RetryTests : FaultTestBase
{
    private static Func<Microsoft.AspNetCore.Http.HttpContext, Task> Unavailable(int? retryAfter = null) =>
        retryAfter is { } s
            ? Faults.Status(503, """{"error":{"code":503,"message":"busy","title":"Service Unavailable"}}""", "application/json", ("Retry-After", s.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : Faults.Status(503, """{"error":{"code":503,"message":"busy","title":"Service Unavailable"}}""");

    private void Script503(int times, int? retryAfter = null)
    {
        for (var i = 0; i < times; i++)
        {
            Server.OnService(Unavailable(retryAfter));
        }
    }

    [Fact]
    public async Task Retries_are_off_by_default_503_reaches_the_caller_after_one_attempt()
    {
        Script503(1);
        var time = new RecordingTimeProvider();
        using var client = new Harness(Server, sessionTime: time);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(1, Server.ServiceCalls);
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task StatusCodeRetries_2_makes_3_attempts_on_a_persistent_503_with_growing_jittered_delays()
    {
        Script503(5);
        var time = new RecordingTimeProvider();
        var options = new KeystoneSessionOptions { StatusCodeRetries = 2, RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(60) };
        using var client = new Harness(Server, session: options, sessionTime: time);

        var call = client.Session.GetAsync("/x", Harness.Compute);
        var first = await time.NextTimerAsync(Guard);
        Assert.Equal(1, Server.ServiceCalls);
        Assert.InRange(first, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        time.Advance(first);
        var second = await time.NextTimerAsync(Guard);
        Assert.Equal(2, Server.ServiceCalls);
        Assert.InRange(second, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        time.Advance(second);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => call.WaitAsync(Guard));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal(3, Server.ServiceCalls);
        Assert.Equal(1, Server.TokenPosts); // a 503 is no reason for a new token
        AssertEveryAttemptCarriedTheToken();
    }

    [Fact]
    public async Task Retry_After_is_honoured_and_capped_by_MaxRetryDelay()
    {
        Script503(1, retryAfter: 7);
        Script503(1, retryAfter: 600);
        var time = new RecordingTimeProvider();
        var options = new KeystoneSessionOptions { StatusCodeRetries = 3, RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(60) };
        using var client = new Harness(Server, session: options, sessionTime: time);

        var call = client.Session.GetAsync("/x", Harness.Compute);
        Assert.Equal(TimeSpan.FromSeconds(7), await time.NextTimerAsync(Guard));
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(60), await time.NextTimerAsync(Guard));
        time.Advance(TimeSpan.FromSeconds(60));

        using var response = await call.WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, Server.ServiceCalls);
        AssertEveryAttemptCarriedTheToken();
    }

    [Fact]
    public async Task Post_is_not_retried_on_503_unless_RetryNonIdempotent()
    {
        Script503(1);
        var time = new RecordingTimeProvider();
        using (var cautious = new Harness(Server, session: new KeystoneSessionOptions { StatusCodeRetries = 2 }, sessionTime: time))
        {
            var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => cautious.Session.PostAsync("/servers", new StringContent("{}"), Harness.Compute).WaitAsync(Guard));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
            Assert.Equal(1, Server.ServiceCalls);
        }

        Script503(1);
        using var bold = new Harness(Server, session: new KeystoneSessionOptions { StatusCodeRetries = 2, RetryNonIdempotent = true }, sessionTime: time);
        var call = bold.Session.PostAsync("/servers", new StringContent("{}"), Harness.Compute);
        time.Advance(await time.NextTimerAsync(Guard));
        using var response = await call.WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, Server.ServiceCalls);
        Assert.Empty(Server.RejectedServiceTokens);
        Assert.Equal(2, Server.TokenPosts); // one per harness, none caused by the retries
    }

    [Fact]
    public async Task Connect_failure_is_ConnectFailureException_without_retries()
    {
        var port = FreePort();
        var wire = new CountingHandler();
        using var client = new Harness(Server, handler: wire);

        var ex = await Assert.ThrowsAsync<ConnectFailureException>(() => client.Session.GetAsync($"http://127.0.0.1:{port}/svc/x").WaitAsync(Guard));

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/svc/x"), ex.RequestUri);
        Assert.Equal(2, wire.Sends); // the token POST and one connect attempt: nothing listens there, so no server can count it
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task ConnectRetries_reach_a_server_that_starts_listening_between_attempts()
    {
        var port = FreePort();
        var time = new RecordingTimeProvider();
        var options = new KeystoneSessionOptions { ConnectRetries = 3, RetryDelay = TimeSpan.FromSeconds(2) };
        using var client = new Harness(Server, session: options, sessionTime: time);

        var call = client.Session.GetAsync($"http://127.0.0.1:{port}/svc/late");
        var delay = await time.NextTimerAsync(Guard); // first attempt refused; the library is now waiting
        Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        await using var late = await FaultServer.StartAsync(port);
        late.OnService(Faults.Status(200, """{"late":true}"""));
        time.Advance(delay);

        using var response = await call.WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, late.ServiceCalls);
        Assert.Equal(Server.IssuedTokens.Single(), late.SeenServiceTokens.Single()); // the retry still carries the token
        Assert.Equal(1, Server.TokenPosts);
    }

    [Fact]
    public async Task ConnectRetries_exhausted_give_ConnectFailureException()
    {
        var port = FreePort();
        var time = new RecordingTimeProvider();
        using var client = new Harness(Server, session: new KeystoneSessionOptions { ConnectRetries = 2, RetryDelay = TimeSpan.FromSeconds(1) }, sessionTime: time);

        var call = client.Session.GetAsync($"http://127.0.0.1:{port}/svc/never");
        time.Advance(await time.NextTimerAsync(Guard));
        time.Advance(await time.NextTimerAsync(Guard));

        await Assert.ThrowsAsync<ConnectFailureException>(() => call.WaitAsync(Guard));
    }

    [Fact]
    public async Task A_reset_after_the_request_was_sent_is_not_retried_as_a_connect_failure()
    {
        // The server may have acted on it: only failures to connect are retried.
        Server.OnService(Faults.AbortBeforeHeaders());
        var time = new RecordingTimeProvider();
        using var client = new Harness(Server, session: new KeystoneSessionOptions { ConnectRetries = 3 }, sessionTime: time);
        await client.Caching.GetAccessAsync();

        await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.PostAsync("/servers", new StringContent("{}"), Harness.Compute).WaitAsync(Guard));

        Assert.Equal(1, Server.ServiceCalls);
    }

    /// <summary>Retries are copies of the request: each must still carry the token.</summary>
    private void AssertEveryAttemptCarriedTheToken()
    {
        Assert.All(Server.SeenServiceTokens, t => Assert.Equal(Server.IssuedTokens.Last(), t));
        Assert.Empty(Server.RejectedServiceTokens);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
