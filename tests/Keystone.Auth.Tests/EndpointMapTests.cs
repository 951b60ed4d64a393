using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// The endpoint map: loading, interface choice, host replacement, templates,
/// and that a miss refreshes once (single flight) and at most once per
/// MinRefreshInterval. Requests are counted at <see cref="FakeIdentityLists"/>.
/// </summary>
public sealed class EndpointMapTests
{
    private static readonly AccessInfo s_access = AccessInfo.FromTokenResponse("tok-1", Fixtures.ProjectScopedBody);

    [Fact]
    public async Task Loads_on_first_use_and_picks_internal_centrally_admin_for_subclouds()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());

        Assert.Equal("https://192.168.204.2:6386/v1/internal", await map.GetEndpointAsync("RegionOne", "platform"));
        Assert.Equal("https://192.168.204.3:5001/v3/internal", await map.GetEndpointAsync("SystemController", "identity"));
        Assert.Equal("https://10.20.1.2:6386/v1/admin", await map.GetEndpointAsync("subcloud1", "platform"));
        Assert.Equal("https://10.20.1.2:6386/v1/public", await map.GetEndpointAsync("subcloud1", "platform", EndpointInterface.Public));
        Assert.Equal(["RegionOne", "SystemController", "subcloud1"], map.Regions.Order(StringComparer.Ordinal));
        Assert.Equal(1, server.Count("/v3/endpoints"));
        Assert.Equal(1, server.Count("/v3/services"));
        Assert.Equal(1, server.Count("/v3/regions"));
    }

    [Fact]
    public async Task Interface_choice_is_configurable()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client(), new EndpointMapOptions { SubcloudInterface = EndpointInterface.Internal, CentralRegions = new HashSet<string> { "subcloud1" }, CentralInterface = EndpointInterface.Public });

        Assert.Equal("https://10.20.1.2:6386/v1/public", await map.GetEndpointAsync("subcloud1", "platform"));
        Assert.Equal("https://192.168.204.2:6386/v1/internal", await map.GetEndpointAsync("RegionOne", "platform"));
    }

    [Fact]
    public async Task Hundred_concurrent_misses_for_a_new_region_make_exactly_one_refresh()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client(), new EndpointMapOptions { MinRefreshInterval = TimeSpan.Zero });
        await map.RefreshAsync();
        server.AddSubcloud("subcloud2", "10.20.2.2");

        // Park the refresh at the server until every caller has missed and is waiting.
        server.HoldEndpoints = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var missed = 0;
        var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            var pending = map.GetEndpointAsync("subcloud2", "platform");
            Interlocked.Increment(ref missed);
            return await pending;
        })).ToArray();

        // Every caller has looked up (and missed) before the refresh may answer:
        // none can be served by a map that already has the region.
        await WaitUntil(() => Volatile.Read(ref missed) == 100 && server.EndpointGetsStarted >= 2);
        server.HoldEndpoints.SetResult();
        var urls = await Task.WhenAll(callers);

        Assert.All(urls, u => Assert.Equal("https://10.20.2.2:6386/v1/admin", u));
        Assert.Equal(2, server.Count("/v3/endpoints")); // the initial load and ONE refresh
    }

    [Fact]
    public async Task Hundred_concurrent_misses_for_an_unknown_region_make_one_refresh_then_none_within_the_interval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client(), new EndpointMapOptions { MinRefreshInterval = TimeSpan.FromSeconds(30) }, timeProvider: time);
        await map.RefreshAsync();
        time.Advance(TimeSpan.FromSeconds(31));

        server.HoldEndpoints = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await map.GetEndpointAsync("nowhere", "platform"))).ToArray();
        await WaitUntil(() => server.EndpointGetsStarted >= 2);
        server.HoldEndpoints.SetResult();
        foreach (var caller in callers)
        {
            var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => caller);
            Assert.Contains("'nowhere'", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, server.Count("/v3/endpoints"));

        // Within the interval: a typed miss at once, and Keystone is not asked.
        time.Advance(TimeSpan.FromSeconds(10));
        var storm = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Assert.ThrowsAsync<EndpointNotFoundException>(async () => await map.GetEndpointAsync("nowhere", "platform"))));
        Assert.Contains("MinRefreshInterval", storm[0].Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Count("/v3/endpoints"));

        // After it: one more refresh finds a region added meanwhile.
        server.AddSubcloud("nowhere", "10.9.9.9");
        time.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal("https://10.9.9.9:6386/v1/admin", await map.GetEndpointAsync("nowhere", "platform"));
        Assert.Equal(3, server.Count("/v3/endpoints"));
    }

    [Fact]
    public async Task A_failed_refresh_is_typed_for_the_waiters_and_the_old_map_stays()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client(), new EndpointMapOptions { MinRefreshInterval = TimeSpan.Zero });
        await map.RefreshAsync();
        server.Override = path => path == "/v3/endpoints" ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : null;

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(async () => await map.GetEndpointAsync("subcloud9", "platform"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Equal("https://10.20.1.2:6386/v1/admin", await map.GetEndpointAsync("subcloud1", "platform"));
    }

    [Theory]
    [InlineData("10.30.0.7", "https://10.30.0.7:6386/v1/admin")]
    [InlineData("fd00:30::7", "https://[fd00:30::7]:6386/v1/admin")]
    [InlineData("[fd00:30::8]", "https://[fd00:30::8]:6386/v1/admin")]
    [InlineData("subcloud1.example", "https://subcloud1.example:6386/v1/admin")]
    public async Task A_regions_host_can_be_replaced(string host, string expected)
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());
        await map.RefreshAsync();

        map.SetRegionHost("subcloud1", host);

        Assert.Equal(expected, await map.GetEndpointAsync("subcloud1", "platform"));
        Assert.Equal("https://192.168.204.2:6386/v1/internal", await map.GetEndpointAsync("RegionOne", "platform"));
        Assert.Equal(1, server.Count("/v3/endpoints")); // no reload needed
    }

    [Fact]
    public async Task A_replaced_host_survives_a_refresh_and_can_be_removed()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());
        map.SetRegionHost("subcloud1", "10.30.0.7");
        await map.RefreshAsync();
        Assert.Equal("https://10.30.0.7:5001/v3/admin", await map.GetEndpointAsync("subcloud1", "identity"));

        Assert.True(map.RemoveRegionHost("subcloud1"));
        Assert.Equal("https://10.20.1.2:5001/v3/admin", await map.GetEndpointAsync("subcloud1", "identity"));
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("not a host")]
    [InlineData("10.0.0.1/24")]
    [InlineData("")]
    public void A_host_that_is_no_address_or_name_is_refused(string host)
    {
        var map = new EndpointMap(new FakeIdentityLists().Client());
        if (host.Length == 0)
        {
            Assert.Throws<InvalidOptionsException>(() => map.SetRegionHost("subcloud1", host));
            return;
        }

        var ex = Assert.Throws<InvalidOptionsException>(() => map.SetRegionHost("subcloud1", host));
        Assert.Contains("subcloud1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_templates_answer_for_services_keystone_does_not_list()
    {
        var server = new FakeIdentityLists();
        var options = new EndpointMapOptions();
        options.UrlTemplates["dcmanager"] = "https://{host}:8119/v1.0";
        var map = new EndpointMap(server.Client(), options);
        await map.RefreshAsync();

        Assert.Equal("https://10.20.1.2:8119/v1.0", await map.GetEndpointAsync("subcloud1", "dcmanager"));

        // A region known only by its management IP (v6): answered by the templates alone.
        map.SetRegionHost("subcloud7", "fd00:7::2");
        Assert.Equal("https://[fd00:7::2]:8119/v1.0", await map.GetEndpointAsync("subcloud7", "dcmanager"));

        // A listed endpoint wins over a template.
        options = new EndpointMapOptions();
        options.UrlTemplates["platform"] = "https://{host}:9999/x";
        var listed = new EndpointMap(server.Client(), options);
        Assert.Equal("https://10.20.1.2:6386/v1/admin", await listed.GetEndpointAsync("subcloud1", "platform"));
    }

    [Theory]
    [InlineData("dcmanager", "https://no-placeholder:8119")]
    [InlineData("dcmanager", "ftp://{host}/x")]
    [InlineData("", "https://{host}/x")]
    public void Bad_templates_are_refused_naming_the_option(string type, string template)
    {
        var options = new EndpointMapOptions();
        options.UrlTemplates[type] = template;
        var ex = Assert.Throws<InvalidOptionsException>(() => new EndpointMap(new FakeIdentityLists().Client(), options));
        Assert.Contains("UrlTemplates", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_refresh_interval_is_refused()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => new EndpointMap(new FakeIdentityLists().Client(), new EndpointMapOptions { MinRefreshInterval = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("MinRefreshInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_a_resolver_it_answers_regions_and_leaves_regionless_filters_to_the_catalog()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());

        Assert.Equal("https://10.20.1.2:6386/v1/admin", await map.ResolveAsync(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1"), s_access, default));
        Assert.Equal(Fixtures.PlatformAdminUrl, await map.ResolveAsync(Fixtures.Platform, s_access, default));

        // Fallback interfaces and a service name (nameless services match any name).
        var filter = new EndpointFilter("platform", (EndpointInterface)7, "subcloud1", "sysinv") { FallbackInterfaces = [EndpointInterface.Internal] };
        Assert.Equal("https://10.20.1.2:6386/v1/internal", await map.ResolveAsync(filter, s_access, default));
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Session_and_handler_send_to_the_maps_endpoint(Via via)
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());
        using var rig = new SessionRig(via, new KeystoneSessionOptions { EndpointResolver = map });

        using var response = await rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), map.FilterFor("subcloud1", "platform"));

        Assert.Equal("https://10.20.1.2:6386/v1/admin/ihosts", Assert.Single(rig.Cloud.ServiceCalls).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task A_miss_through_the_session_is_the_typed_not_found_and_sends_nothing()
    {
        var server = new FakeIdentityLists();
        var map = new EndpointMap(server.Client());
        using var rig = new SessionRig(Via.Session, new KeystoneSessionOptions { EndpointResolver = map });

        await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.SendAsync(new HttpRequestMessage(HttpMethod.Get, "ihosts"), map.FilterFor("subcloud404", "platform")));

        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the fake server");
            await Task.Delay(5);
        }
    }
}
