using System.Text;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Keystone sends the status line and headers of a token answer, then stops
/// (issue 10, item 6). HttpClient.Timeout does not cover a body read after
/// ResponseHeadersRead, so only the plugin's own deadline can end it: under
/// every RequestTimeout setting the fetch ends with KeystoneTimeoutException,
/// and the next call makes a fresh POST that succeeds.
/// </summary>
public sealed class StalledBodyTests : FaultTestBase
{
    [Fact]
    public async Task Stalled_body_ends_at_the_configured_RequestTimeout()
    {
        Server.OnToken(StallAfterHeaders);
        using var client = new Harness(Server, o => o.RequestTimeout = TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(TimeSpan.FromSeconds(1), ex.Timeout);
        Assert.Equal(1, Server.TokenPosts);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task Stalled_body_with_no_RequestTimeout_ends_at_the_default_30_seconds()
    {
        // Before: null meant "only HttpClient.Timeout", which never covers the
        // body, so this fetch (and every caller of the identity) waited forever.
        // The wait is real time: the deadline is the one every request uses.
        Server.OnToken(StallAfterHeaders);
        using var client = new Harness(Server, o => o.RequestTimeout = null);
        // Covers the headers only, so it must not be what ends the wait. 10 s, not
        // less: on a loaded machine the headers themselves can take over a second.
        client.Http.Timeout = TimeSpan.FromSeconds(10);

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(TimeSpan.FromSeconds(30), ex.Timeout);
        Assert.Equal(1, Server.TokenPosts);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public void Infinite_RequestTimeout_is_refused_before_any_request()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => new Harness(Server, o => o.RequestTimeout = Timeout.InfiniteTimeSpan));

        Assert.Contains("RequestTimeout must be finite", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Server.Requests);
    }

    /// <summary>201 with a token and the first bytes of a long body, then silence until the client leaves.</summary>
    private async Task StallAfterHeaders(HttpContext context)
    {
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 100_000;
        context.Response.Headers["X-Subject-Token"] = FaultServer.NewToken();
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("""{"token":{"methods":["password"],"""), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Server.HangAsync(context);
    }
}
