namespace Keystone.Auth.Tests;

/// <summary>
/// The catalog is most of a cached token's memory; the parser keeps one
/// instance of each repeated string instead of a fresh copy per endpoint.
/// </summary>
public sealed class CatalogStringSharingTests
{
    [Fact]
    public void Repeated_catalog_strings_are_one_instance()
    {
        var access = AccessInfo.FromTokenResponse("tok", Fixtures.ProjectScopedBody);

        var identity = access.Catalog.Services[0].Endpoints;
        var platform = access.Catalog.Services[1].Endpoints;

        // region and region_id of one endpoint, and the same region on other endpoints
        Assert.Same(identity[0].Region, identity[0].RegionId);
        Assert.Same(identity[0].Region, identity[1].Region);
        Assert.Same(platform[0].Region, platform[1].RegionId);

        // one URL used by two interfaces
        Assert.Equal(identity[0].Url, identity[1].Url);
        Assert.Same(identity[0].Url, identity[1].Url);

        // interface names are the canonical literals
        Assert.Same("public", identity[0].Interface);
        Assert.Same("admin", identity[1].Interface);
    }
}
