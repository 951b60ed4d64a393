namespace Keystone.Auth.Tests;

/// <summary>
/// Endpoint lookup in the service catalog (keystoneauth's rules): type, name,
/// interface with fallbacks, region_id over region, exact region, empty URLs
/// skipped, first match in catalog order, and the not-found messages.
/// </summary>
public sealed class CatalogTests
{
    private static CatalogEndpoint Ep(string iface, string url, string? region = null, string? regionId = null) => new(null, iface, region, regionId, url);

    private static CatalogService Svc(string type, string? name, params CatalogEndpoint[] endpoints) => new(type, name, null, endpoints);

    private static ServiceCatalog Catalog(params CatalogService[] services) => new(services);

    [Fact]
    public void Matches_service_type_and_interface()
    {
        var catalog = Catalog(
            Svc("identity", "keystone", Ep("public", "http://id-pub"), Ep("admin", "http://id-adm")),
            Svc("platform", "sysinv", Ep("public", "http://pl-pub"), Ep("admin", "http://pl-adm"), Ep("internal", "http://pl-int")));

        Assert.Equal("http://pl-adm", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
        Assert.Equal("http://pl-int", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Internal)));
        Assert.Equal("http://id-pub", catalog.GetEndpoint(new EndpointFilter("identity")));
        Assert.Equal("http://id-adm", catalog.GetEndpoint(new EndpointFilter("identity", EndpointInterface.Admin)));
    }

    [Fact]
    public void Service_type_is_matched_exactly()
    {
        var catalog = Catalog(Svc("Platform", null, Ep("admin", "http://upper")), Svc("platform-v2", null, Ep("admin", "http://v2")));

        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin), out _));
    }

    [Fact]
    public void Service_name_selects_among_services_of_one_type()
    {
        var catalog = Catalog(
            Svc("volume", "cinder", Ep("public", "http://cinder")),
            Svc("volume", "cinder-legacy", Ep("public", "http://legacy")));

        Assert.Equal("http://cinder", catalog.GetEndpoint(new EndpointFilter("volume")));
        Assert.Equal("http://legacy", catalog.GetEndpoint(new EndpointFilter("volume", ServiceName: "cinder-legacy")));
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("volume", ServiceName: "nope"), out _));
    }

    [Theory]
    [InlineData("public", EndpointInterface.Public)]
    [InlineData("PUBLIC", EndpointInterface.Public)]
    [InlineData("publicURL", EndpointInterface.Public)]
    [InlineData("publicurl", EndpointInterface.Public)]
    [InlineData("internal", EndpointInterface.Internal)]
    [InlineData("internalURL", EndpointInterface.Internal)]
    [InlineData("admin", EndpointInterface.Admin)]
    [InlineData("adminURL", EndpointInterface.Admin)]
    [InlineData(" Admin ", EndpointInterface.Admin)]
    public void Interface_names_parse_in_v3_and_v2_style(string text, EndpointInterface expected)
    {
        Assert.Equal(expected, EndpointFilter.ParseInterface(text));
        Assert.True(EndpointFilter.TryParseInterface(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("URL")]
    [InlineData("private")]
    [InlineData("publicURLs")]
    [InlineData("pub")]
    public void Unknown_interface_names_are_refused(string text)
    {
        Assert.False(EndpointFilter.TryParseInterface(text, out _));
        var ex = Assert.Throws<ArgumentException>(() => EndpointFilter.ParseInterface(text));
        Assert.Contains("public, internal, admin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interface_name_is_lower_case()
    {
        Assert.Equal("public", EndpointFilter.InterfaceName(EndpointInterface.Public));
        Assert.Equal("internal", EndpointFilter.InterfaceName(EndpointInterface.Internal));
        Assert.Equal("admin", EndpointFilter.InterfaceName(EndpointInterface.Admin));
    }

    [Theory]
    [InlineData("publicURL")]
    [InlineData("Public")]
    [InlineData("PUBLIC")]
    [InlineData(" public")]
    public void Catalog_entries_not_written_exactly_public_internal_admin_never_match(string written)
    {
        // keystoneauth's v3 catalog compares an endpoint's interface as written
        // (Keystone's API accepts only the three lower-case names).
        var catalog = Catalog(Svc("compute", null, Ep(written, "http://odd"), Ep("public", "http://pub")));

        Assert.Equal("http://pub", catalog.GetEndpoint(new EndpointFilter("compute")));
        Assert.False(Catalog(Svc("compute", null, Ep(written, "http://odd"))).TryGetEndpoint(new EndpointFilter("compute"), out _));
    }

    [Fact]
    public void Endpoints_with_an_unknown_interface_never_match()
    {
        var catalog = Catalog(Svc("compute", null, Ep("weird", "http://weird"), Ep("public", "http://pub")));

        Assert.Equal("http://pub", catalog.GetEndpoint(new EndpointFilter("compute")));
    }

    [Theory]
    [InlineData(new[] { EndpointInterface.Admin, EndpointInterface.Public }, "http://adm")]
    [InlineData(new[] { EndpointInterface.Public, EndpointInterface.Admin }, "http://pub")]
    [InlineData(new[] { EndpointInterface.Public }, "http://pub")]
    public void Fallback_interfaces_are_tried_in_order(EndpointInterface[] fallbacks, string expected)
    {
        // The catalog lists public first: order of preference comes from the filter, not the catalog.
        var catalog = Catalog(Svc("platform", null, Ep("public", "http://pub"), Ep("admin", "http://adm")));
        var filter = new EndpointFilter("platform", EndpointInterface.Internal) { FallbackInterfaces = fallbacks };

        Assert.Equal(expected, catalog.GetEndpoint(filter));
    }

    [Fact]
    public void Primary_interface_wins_over_fallbacks()
    {
        var catalog = Catalog(Svc("platform", null, Ep("public", "http://pub"), Ep("internal", "http://int")));
        var filter = new EndpointFilter("platform", EndpointInterface.Internal) { FallbackInterfaces = [EndpointInterface.Public] };

        Assert.Equal("http://int", catalog.GetEndpoint(filter));
    }

    [Fact]
    public void Region_id_is_preferred_over_region()
    {
        var catalog = Catalog(Svc("platform", null,
            Ep("admin", "http://by-legacy-name", region: "subcloud1", regionId: "sc1-id"),
            Ep("admin", "http://legacy-only", region: "subcloud2", regionId: null),
            Ep("admin", "http://empty-region-id", region: "subcloud3", regionId: "")));

        Assert.Equal("http://by-legacy-name", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "sc1-id")));
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1"), out _));
        Assert.Equal("http://legacy-only", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud2")));
        Assert.Equal("http://empty-region-id", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud3")));
    }

    [Theory]
    [InlineData("regionone")]
    [InlineData("RegionOn")]
    [InlineData("RegionOne ")]
    [InlineData("RegionOneA")]
    public void Region_is_matched_exactly(string region)
    {
        var catalog = Catalog(Svc("platform", null, Ep("admin", "http://r1", "RegionOne", "RegionOne")));

        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, region), out var url));
        Assert.Null(url);
        Assert.Equal("http://r1", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "RegionOne")));
    }

    [Fact]
    public void Any_region_takes_the_first_in_catalog_order()
    {
        var catalog = Catalog(Svc("platform", null,
            Ep("admin", "http://sc2", "subcloud2", "subcloud2"),
            Ep("admin", "http://sc1", "subcloud1", "subcloud1")));

        Assert.Equal("http://sc2", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
        Assert.Equal("http://sc1", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1")));
    }

    [Fact]
    public void First_match_across_services_of_one_type_wins()
    {
        var catalog = Catalog(
            Svc("platform", "a", Ep("admin", "http://first")),
            Svc("platform", "b", Ep("admin", "http://second")));

        Assert.Equal("http://first", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
    }

    [Fact]
    public void Endpoints_with_an_empty_url_are_skipped()
    {
        var catalog = Catalog(
            Svc("platform", "a", Ep("admin", ""), Ep("admin", "", "r", "r")),
            Svc("platform", "b", Ep("admin", "http://usable")));

        Assert.Equal("http://usable", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
    }

    [Fact]
    public void Only_empty_urls_means_not_found()
    {
        var catalog = Catalog(Svc("platform", null, Ep("admin", "")));

        var ex = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
        Assert.False(ex.CatalogIsEmpty);
    }

    [Fact]
    public void Not_found_names_type_interface_and_region()
    {
        var catalog = Catalog(Svc("platform", null, Ep("admin", "http://sc1", "subcloud1", "subcloud1")));
        var filter = new EndpointFilter("platform", EndpointInterface.Admin, "subcloud9");

        var ex = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(filter));

        Assert.Contains("service type 'platform'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("interface 'admin'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("region 'subcloud9'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("No endpoint found", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("empty", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.CatalogIsEmpty);
        Assert.Same(filter, ex.Filter);
    }

    [Fact]
    public void Not_found_names_service_name_fallbacks_and_any_region()
    {
        var catalog = Catalog(Svc("identity", "keystone", Ep("public", "http://id")));
        var filter = new EndpointFilter("volume", EndpointInterface.Internal, ServiceName: "cinder")
        {
            FallbackInterfaces = [EndpointInterface.Admin, EndpointInterface.Public],
        };

        var ex = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(filter));

        Assert.Contains("service type 'volume'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("interface 'internal' (then 'admin', 'public')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("any region", ex.Message, StringComparison.Ordinal);
        Assert.Contains("service name 'cinder'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_catalog_says_the_catalog_is_empty()
    {
        var ex = Assert.Throws<EndpointNotFoundException>(() => ServiceCatalog.Empty.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1")));

        Assert.True(ex.CatalogIsEmpty);
        Assert.Contains("catalog is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("service type 'platform'", ex.Message, StringComparison.Ordinal);
        Assert.True(ServiceCatalog.Empty.IsEmpty);
    }

    [Fact]
    public async Task Session_get_endpoint_uses_the_catalog()
    {
        using var rig = new SessionRig(Via.Session);
        var session = rig.Session;

        Assert.Equal(Fixtures.PlatformAdminUrl, await session.GetEndpointAsync(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1")));
        Assert.Equal("http://192.168.204.2:6385/v1i", await session.GetEndpointAsync(new EndpointFilter("platform", EndpointInterface.Internal)));
        await Assert.ThrowsAsync<EndpointNotFoundException>(() => session.GetEndpointAsync(new EndpointFilter("platform", EndpointInterface.Public)).AsTask());
        Assert.Empty(rig.Cloud.ServiceCalls);
    }

    [Fact]
    public async Task Session_get_endpoint_returns_the_override_with_placeholders_filled()
    {
        using var rig = new SessionRig(Via.Session, new KeystoneSessionOptions
        {
            EndpointOverride = "https://10.10.10.2:6386/v1/%(project_id)s/users/%(user_id)s",
        });

        // The override wins even for a filter the catalog cannot satisfy.
        var url = await rig.Session.GetEndpointAsync(new EndpointFilter("nothing-like-this"));

        Assert.Equal("https://10.10.10.2:6386/v1/p-1/users/u-1", url);
    }

    [Fact]
    public async Task Session_get_endpoint_on_a_nocatalog_token_says_the_catalog_is_empty()
    {
        var options = Fixtures.Options();
        options.IncludeCatalog = false;
        using var rig = new SessionRig(Via.Session, authOptions: options);
        rig.Cloud.TokenBody = _ => Fixtures.EditToken(t => t.Remove("catalog"));

        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => rig.Session.GetEndpointAsync(Fixtures.Platform).AsTask());

        Assert.True(ex.CatalogIsEmpty);
        Assert.EndsWith("?nocatalog", Assert.Single(rig.Cloud.TokenPosts).Uri.AbsoluteUri, StringComparison.Ordinal);
    }
}
