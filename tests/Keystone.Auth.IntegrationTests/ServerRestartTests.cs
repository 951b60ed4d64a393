using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Scenario 9, on its own server (this test stops and restarts it): a stopped
/// server gives a connection error within the connect timeout; once it is back
/// on the same port, the next call succeeds.
/// </summary>
[Collection(RestartableKeystoneGroup.Name)]
public sealed class ServerRestartTests(RestartableKeystoneFixture fx)
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(2);

    // Generous for a refused loopback connect, far below the 30 s request
    // timeout and 60 s HttpClient timeout a hang would run into.
    private static readonly TimeSpan s_bound = s_connectTimeout + TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Stopped_server_gives_a_connection_error_and_the_restarted_one_is_used_again()
    {
        var server = fx.Server;
        var options = server.AdminUser();
        using var rig = new Rig(options, connectTimeout: s_connectTimeout);
        await rig.WarmUpAsync();

        var port = server.Port;
        await server.StopAsync();

        // with a cached token: the service call itself cannot connect
        var watch = Stopwatch.StartNew();
        var callError = await Assert.ThrowsAnyAsync<KeystoneConnectionException>(() => rig.CallAsync());
        var callElapsed = watch.Elapsed;

        // without one: the token POST cannot connect
        using var freshRig = new Rig(options, connectTimeout: s_connectTimeout);
        watch.Restart();
        var postError = await Assert.ThrowsAnyAsync<KeystoneConnectionException>(() => freshRig.Session.GetAccessAsync().AsTask());
        var postElapsed = watch.Elapsed;

        foreach (var ex in new[] { callError, postError })
        {
            Assert.True(ex is ConnectFailureException or ConnectTimeoutException, $"expected a connect failure, got {ex.GetType().Name}: {ex.Message}");
            Assert.Equal(port, ex.RequestUri!.Port);
        }

        Assert.True(callElapsed < s_bound, $"the failed call took {callElapsed}");
        Assert.True(postElapsed < s_bound, $"the failed token request took {postElapsed}");

        await server.StartAsync(port.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(port, server.Port);

        // the cached token is still good (same keys): no new POST
        var before = rig.Counter.Take();
        using (var back = await rig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        }

        Assert.Equal(["GET 200"], rig.Counter.EventsSince(before).Select(e => e.Short));

        // and a failed token request was not cached: the fresh identity authenticates now
        using (var fresh = await freshRig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        Assert.Equal(1, freshRig.Counter.Events.Count(e => e.Short == "POST 201"));
    }
}
