using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// The endpoint map and the Keystone read calls on the real Keystone: subclouds
/// created through the admin API, every region looked up, a region added while
/// running found by exactly one refresh under 100 concurrent misses (GET
/// /v3/endpoints counted at the client's socket handler), a subcloud's IP changed
/// v4 then v6 (requests counted at a loopback listener), and validation of a live
/// and a revoked token.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class EndpointMapIntegrationTests(KeystoneFixture fx) : IDisposable
{
    private const int Subclouds = 5;

    private readonly HttpClient _adminHttp = new(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout }) { Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _adminHttp.Dispose();

    [Fact]
    public async Task Every_subcloud_region_is_found_with_distclouds_interface_choice()
    {
        var admin = Admin();
        for (var i = 1; i <= Subclouds; i++)
        {
            await admin.EnsureSubcloudAsync($"subcloud{i}", $"10.77.{i}.2");
        }

        using var rig = MapRig();
        await rig.Map.RefreshAsync();

        for (var i = 1; i <= Subclouds; i++)
        {
            Assert.Equal($"http://10.77.{i}.2:6386/v1", await rig.Map.GetEndpointAsync($"subcloud{i}", "platform"));
            Assert.Equal($"http://10.77.{i}.2:5000/v3", await rig.Map.GetEndpointAsync($"subcloud{i}", "identity"));
            foreach (var iface in new[] { EndpointInterface.Admin, EndpointInterface.Internal, EndpointInterface.Public })
            {
                Assert.Equal($"http://10.77.{i}.2:6386/v1", await rig.Map.GetEndpointAsync($"subcloud{i}", "platform", iface));
            }
        }

        // RegionOne is central: internal, which bootstrap registered at the server's own URL.
        Assert.Equal(EndpointInterface.Internal, rig.Map.InterfaceFor("RegionOne"));
        Assert.Equal(fx.AuthUrl, await rig.Map.GetEndpointAsync("RegionOne", "identity"));
        Assert.Equal(1, EndpointListGets(rig.Counter));
    }

    [Fact]
    public async Task A_region_added_while_running_is_found_by_exactly_one_refresh_under_100_concurrent_misses()
    {
        var admin = Admin();
        using var rig = MapRig(TimeSpan.Zero);
        await rig.Map.RefreshAsync();
        var region = "subcloud-live-" + Guid.NewGuid().ToString("N")[..8];
        await admin.EnsureSubcloudAsync(region, "10.78.0.2");
        try
        {
            await MissesAsync(rig, region);
        }
        finally
        {
            await admin.DeleteRegionAsync(region);
        }
    }

    private static async Task MissesAsync(MapTestRig rig, string region)
    {
        var before = EndpointListGets(rig.Counter);

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 100).Select(async _ =>
        {
            await go.Task;
            return await rig.Map.GetEndpointAsync(region, "platform");
        }).ToArray();
        go.SetResult();
        var urls = await Task.WhenAll(callers);

        Assert.All(urls, u => Assert.Equal("http://10.78.0.2:6386/v1", u));
        Assert.Equal(1, EndpointListGets(rig.Counter) - before);
    }

    [Fact]
    public async Task Misses_of_an_unknown_region_within_the_refresh_interval_are_typed_and_ask_keystone_nothing()
    {
        using var rig = MapRig(TimeSpan.FromMinutes(5));
        await rig.Map.RefreshAsync();
        var before = EndpointListGets(rig.Counter);

        // The last refresh was just now: 100 misses ask Keystone nothing.
        var errors = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Assert.ThrowsAsync<EndpointNotFoundException>(
            async () => await rig.Map.GetEndpointAsync("subcloud-nowhere", "platform"))));

        Assert.Contains("subcloud-nowhere", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(0, EndpointListGets(rig.Counter) - before);
    }

    [Fact]
    public async Task A_subclouds_ip_changed_v4_then_v6_sends_later_requests_to_the_new_host()
    {
        await using var service = LoopbackService.Start();
        var admin = Admin();
        var region = "subcloud-ip-" + Guid.NewGuid().ToString("N")[..8];

        // Listed at an address nothing answers on (TEST-NET-1), at the listener's port.
        await admin.EnsureSubcloudAsync(region, "192.0.2.10", service.Port);
        try
        {
            await IpChangesAsync(service, region);
        }
        finally
        {
            await admin.DeleteRegionAsync(region);
        }
    }

    private async Task IpChangesAsync(LoopbackService service, string region)
    {
        using var rig = MapRig();
        using var session = new KeystoneSession(rig.Auth, rig.Http, new KeystoneSessionOptions { EndpointResolver = rig.Map });
        var filter = rig.Map.FilterFor(region, "platform");
        Assert.Equal($"http://192.0.2.10:{service.Port}/v1", await session.GetEndpointAsync(filter));

        rig.Map.SetRegionHost(region, "127.0.0.1");
        using (var r = await session.GetAsync("ihosts", filter))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        rig.Map.SetRegionHost(region, "::1");
        using (var r = await session.GetAsync("ihosts", filter))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Equal(
            [(IPAddress.Loopback, "GET /v1/ihosts HTTP/1.1"), (IPAddress.IPv6Loopback, "GET /v1/ihosts HTTP/1.1")],
            service.Received.ToArray());
        Assert.Equal($"http://[::1]:{service.Port}/v1", await session.GetEndpointAsync(filter));
    }

    [Fact]
    public async Task Validates_a_live_token_and_types_a_revoked_one()
    {
        using var rig = MapRig();
        var token = await fx.Admin.IssueTokenAsync(SeedData.AliceName, "Default", SeedData.AlicePassword, new System.Text.Json.Nodes.JsonObject
        {
            ["project"] = new System.Text.Json.Nodes.JsonObject { ["id"] = fx.Seed.AlphaId },
        });

        var live = await rig.Identity.ValidateTokenAsync(token);
        Assert.Equal(SeedData.AliceName, live.User?.Name);
        Assert.Equal(fx.Seed.AlphaId, live.Project?.Id);
        Assert.False(live.Catalog.IsEmpty);
        var bare = await rig.Identity.ValidateTokenAsync(token, includeCatalog: false);
        Assert.True(bare.Catalog.IsEmpty);

        await fx.Admin.RevokeAsync(token);
        var ex = await Assert.ThrowsAsync<TokenNotFoundException>(() => rig.Identity.ValidateTokenAsync(token));
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.DoesNotContain(token, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_are_typed_records_of_what_keystone_holds()
    {
        await Admin().EnsureSubcloudAsync("subcloud1", "10.77.1.2");
        using var rig = MapRig();

        var regions = await rig.Identity.ListRegionsAsync();
        var services = await rig.Identity.ListServicesAsync();
        var endpoints = await rig.Identity.ListEndpointsAsync();

        Assert.Contains(regions, r => r.Id == "subcloud1");
        var platform = Assert.Single(services, s => s.Type == "platform" && s.Name == "sysinv");
        Assert.Contains(endpoints, e => e.ServiceId == platform.Id && e.RegionId == "subcloud1" && e.Interface == EndpointInterface.Admin && e.Url == "http://10.77.1.2:6386/v1");
    }

    private EndpointAdmin Admin() => new(fx.AuthUrl, _adminHttp, fx.Admin);

    private MapTestRig MapRig(TimeSpan? minRefreshInterval = null) => new(fx, minRefreshInterval ?? TimeSpan.FromSeconds(30));

    private static int EndpointListGets(CountingHandler counter) =>
        counter.Events.Count(e => e.Method == "GET" && e.Path.EndsWith("/v3/endpoints", StringComparison.Ordinal));

    /// <summary>The admin identity (cached), a read client and a map over it; every request counted at the socket handler.</summary>
    private sealed class MapTestRig : IDisposable
    {
        public MapTestRig(KeystoneFixture fx, TimeSpan minRefreshInterval)
        {
            Http = TestHttp.Create(out var counter);
            Counter = counter;
            Auth = new CachingPasswordAuth(new PasswordAuth(fx.Server.AdminUser(), Http), new TokenCache());
            Identity = new KeystoneIdentityClient(Auth, Http, new KeystoneIdentityClientOptions { IdentityUrl = fx.AuthUrl });
            Map = new EndpointMap(Identity, new EndpointMapOptions { MinRefreshInterval = minRefreshInterval });
        }

        public HttpClient Http { get; }

        public CountingHandler Counter { get; }

        public IAuthPlugin Auth { get; }

        public KeystoneIdentityClient Identity { get; }

        public EndpointMap Map { get; }

        public void Dispose() => Http.Dispose();
    }
}
