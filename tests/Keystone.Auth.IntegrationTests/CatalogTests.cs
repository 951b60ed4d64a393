using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>Scenario 2: the catalog of a real token.</summary>
[Collection(KeystoneGroup.Name)]
public sealed class CatalogTests(KeystoneFixture fx)
{
    [Theory]
    [InlineData(EndpointInterface.Public)]
    [InlineData(EndpointInterface.Internal)]
    [InlineData(EndpointInterface.Admin)]
    public async Task Identity_endpoint_is_found_for_each_interface_in_RegionOne(EndpointInterface iface)
    {
        using var rig = new Rig(fx.Alice());
        var filter = new EndpointFilter("identity", iface, "RegionOne");

        var url = await rig.Session.GetEndpointAsync(filter);
        using var response = await rig.Session.GetAsync(TestHttp.AuthenticatedPath, filter);

        // bootstrap registered all three at the port the server listens on
        Assert.Equal(fx.AuthUrl, url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri(fx.AuthUrl + TestHttp.AuthenticatedPath), response.RequestMessage!.RequestUri);
        Assert.Equal(1, rig.Counter.TokenPosts);
    }

    [Fact]
    public async Task Missing_service_type_raises_EndpointNotFound_and_sends_nothing()
    {
        using var rig = new Rig(fx.Alice());
        var platform = new EndpointFilter("platform", EndpointInterface.Admin, "RegionOne");

        var lookup = await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.Session.GetEndpointAsync(platform).AsTask());
        var call = await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.Session.GetAsync("/isystems", platform));

        Assert.Contains("platform", lookup.Message, StringComparison.Ordinal);
        Assert.False(lookup.CatalogIsEmpty);
        Assert.Same(platform, call.Filter);
        // the token POST only: no request went anywhere without an endpoint
        Assert.Equal(["POST 201"], rig.Counter.Events.Select(e => e.Short));
    }

    [Fact]
    public async Task Missing_region_raises_EndpointNotFound()
    {
        using var rig = new Rig(fx.Alice());

        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(
            () => rig.Session.GetEndpointAsync(new EndpointFilter("identity", EndpointInterface.Public, "RegionTwo")).AsTask());

        Assert.Contains("RegionTwo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unscoped_token_has_no_catalog_so_lookup_says_the_catalog_is_empty()
    {
        var options = fx.AliceWithoutScope();
        options.Unscoped = true;
        using var rig = new Rig(options);

        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.Session.GetEndpointAsync(TestHttp.Identity).AsTask());

        Assert.True(ex.CatalogIsEmpty);
    }
}
