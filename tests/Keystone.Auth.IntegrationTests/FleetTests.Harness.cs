namespace Keystone.Auth.IntegrationTests;

/// <summary>How the fleet tests drive their worker processes and count what Keystone saw.</summary>
public sealed partial class FleetTests
{
    private async Task<List<FleetProcess>> StartAsync(PasswordAuthOptions identity, string? redis, int count, TimeSpan? breakerOpen = null)
    {
        var fleet = new List<FleetProcess>();
        for (var i = 0; i < count; i++)
        {
            var process = FleetProcess.Start($"{identity.Username} worker {i + 1}", fx.WorkerDll, identity, redis, Workers, breakerOpen);
            _started.Add(process);
            fleet.Add(process);
        }

        // The start barrier: nobody calls before every process is set up.
        await Task.WhenAll(fleet.Select(p => p.ReadyAsync()));
        return fleet;
    }

    /// <summary>Releases the start barrier, waits until every process has made a call, then lets the load run <see cref="s_warm"/>.</summary>
    private static async Task GoAsync(List<FleetProcess> fleet)
    {
        fleet.ForEach(p => p.Send("go"));
        await Task.WhenAll(fleet.Select(p => p.CalledAsync()));
        await Task.Delay(s_warm);
    }

    private static async Task MarkAsync(List<FleetProcess> fleet)
    {
        fleet.ForEach(p => p.Send("mark"));
        await Task.WhenAll(fleet.Select(p => p.MarkedAsync()));
    }

    private static async Task<WorkerReport[]> StopAsync(List<FleetProcess> fleet) =>
        await Task.WhenAll(fleet.Select(p => p.StopAsync()));

    /// <summary>Token POSTs Keystone logged since <paramref name="before"/>, which must equal the workers' own wire counts.</summary>
    private async Task<int> PostsAtKeystoneAsync(int before, WorkerReport[] reports)
    {
        var wire = reports.Sum(r => r.TokenPosts);
        var logged = await fx.Server.CountLogLinesAsync(TokenPost, before + wire) - before;
        Assert.True(wire == logged, $"Keystone logged {logged} token POSTs, the workers sent {wire}");
        return logged;
    }

    private async Task WaitForReconnectAsync(int processes)
    {
        // Observed at the server, not asked of the code under test: every
        // process's command and pub/sub connections are back.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int connections;
        while ((connections = await fx.Redis.StoreConnectionCountAsync()) < 2 * processes)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {connections} of {2 * processes} store connections came back to Redis within 20 s");
            await Task.Delay(100);
        }
    }

    private static void AssertShared(WorkerReport[] reports) =>
        Assert.All(reports, r => Assert.True(r.SharedTier,
            "the worker ran without the shared tier: set TokenCacheOptions.Store in samples/SubcloudAudit/SharedTier.cs (and rebuild the sample)"));

    private static void AssertNoFailedCall(WorkerReport[] reports) =>
        Assert.All(reports, r => Assert.True(r.Failures == 0, $"failed calls: {r}"));
}
