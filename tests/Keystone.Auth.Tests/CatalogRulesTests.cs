namespace Keystone.Auth.Tests;

/// <summary>
/// The keystoneauth catalog rules that differ from a plain exact match, each
/// checked against keystoneauth1 5.0 / os-service-types 1.7.0 (Debian 12):
/// service-type aliases and their precedence, nameless services, an empty
/// region or name meaning any.
/// </summary>
public sealed class CatalogRulesTests
{
    private static CatalogEndpoint Ep(string iface, string url, string? region = null) => new(null, iface, region, region, url);

    private static CatalogService Svc(string type, string? name, params CatalogEndpoint[] endpoints) => new(type, name, null, endpoints);

    private static ServiceCatalog Catalog(params CatalogService[] services) => new(services);

    [Theory]
    [InlineData("volumev3")]
    [InlineData("volumev2")]
    [InlineData("volume")]
    [InlineData("block-store")]
    public void The_official_type_finds_a_catalog_that_lists_only_an_alias(string listed)
    {
        var catalog = Catalog(Svc("identity", "keystone", Ep("public", "http://id")), Svc(listed, "cinder", Ep("public", "http://cinder")));

        Assert.Equal("http://cinder", catalog.GetEndpoint(new EndpointFilter("block-storage")));
    }

    [Fact]
    public void An_alias_finds_the_official_type_but_never_a_sibling_alias()
    {
        // os-service-types is_match: an alias matches itself and its official
        // type; volumev2 behind volumev3 would be another API version.
        var official = Catalog(Svc("block-storage", null, Ep("public", "http://bs")));
        var sibling = Catalog(Svc("volumev2", null, Ep("public", "http://v2")));

        Assert.Equal("http://bs", official.GetEndpoint(new EndpointFilter("volumev3")));
        Assert.False(sibling.TryGetEndpoint(new EndpointFilter("volumev3"), out _));
        Assert.False(sibling.TryGetEndpoint(new EndpointFilter("volume"), out _));
    }

    [Fact]
    public void The_requested_type_wins_then_the_official_then_aliases_in_the_authority_order()
    {
        // Catalog order is the reverse of the preference order on purpose.
        var catalog = Catalog(
            Svc("block-store", null, Ep("public", "http://block-store")),
            Svc("volume", null, Ep("public", "http://volume")),
            Svc("volumev2", null, Ep("public", "http://volumev2")),
            Svc("volumev3", null, Ep("public", "http://volumev3")),
            Svc("block-storage", null, Ep("public", "http://block-storage")));

        Assert.Equal("http://block-storage", catalog.GetEndpoint(new EndpointFilter("block-storage")));
        Assert.Equal("http://volumev2", catalog.GetEndpoint(new EndpointFilter("volumev2")));
        Assert.Equal("http://volume", catalog.GetEndpoint(new EndpointFilter("volume")));

        var withoutOfficial = Catalog(
            Svc("volume", null, Ep("public", "http://volume")),
            Svc("volumev2", null, Ep("public", "http://volumev2")),
            Svc("volumev3", null, Ep("public", "http://volumev3")));
        Assert.Equal("http://volumev3", withoutOfficial.GetEndpoint(new EndpointFilter("block-storage")));
    }

    [Fact]
    public void A_preferred_type_without_a_matching_endpoint_gives_way_to_the_next()
    {
        // keystoneauth drops a type whose endpoints were all filtered out (by
        // region here) before choosing among types.
        var catalog = Catalog(
            Svc("block-storage", null, Ep("public", "http://bs-r1", "RegionOne")),
            Svc("volumev3", null, Ep("public", "http://v3-sc1", "subcloud1")));

        Assert.Equal("http://v3-sc1", catalog.GetEndpoint(new EndpointFilter("block-storage", RegionName: "subcloud1")));
        Assert.Equal("http://bs-r1", catalog.GetEndpoint(new EndpointFilter("block-storage", RegionName: "RegionOne")));
    }

    [Fact]
    public void The_type_is_chosen_before_the_interface_fallbacks()
    {
        // keystoneauth picks the best interface per type, then the best type:
        // the requested type's fallback interface beats the alias's primary one.
        var catalog = Catalog(
            Svc("volumev3", null, Ep("public", "http://v3-public")),
            Svc("block-storage", null, Ep("internal", "http://bs-internal")));
        var filter = new EndpointFilter("block-storage") { FallbackInterfaces = [EndpointInterface.Internal] };

        Assert.Equal("http://bs-internal", catalog.GetEndpoint(filter));
        Assert.Equal("http://v3-public", catalog.GetEndpoint(new EndpointFilter("block-storage")));
    }

    [Fact]
    public void A_remembered_answer_from_an_alias_sees_a_later_edit_of_the_fallback_list()
    {
        // The answer came from the alias on the primary interface; a fallback
        // added later lets the requested type answer instead.
        var catalog = Catalog(
            Svc("volumev3", null, Ep("public", "http://v3-public")),
            Svc("block-storage", null, Ep("admin", "http://bs-admin")));
        var fallbacks = new List<EndpointInterface>();
        var filter = new EndpointFilter("block-storage") { FallbackInterfaces = fallbacks };

        Assert.Equal("http://v3-public", catalog.GetEndpoint(filter));
        fallbacks.Add(EndpointInterface.Admin);
        Assert.Equal("http://bs-admin", catalog.GetEndpoint(filter));
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("Block-Storage")]
    [InlineData("block_storage")]
    [InlineData("cinder")]
    public void Types_outside_an_alias_family_are_matched_exactly(string requested)
    {
        var catalog = Catalog(Svc("volumev3", "cinder", Ep("public", "http://v3")));

        Assert.False(catalog.TryGetEndpoint(new EndpointFilter(requested), out _));
    }

    [Fact]
    public void Other_authority_families_resolve_too()
    {
        var catalog = Catalog(Svc("sharev2", null, Ep("public", "http://manila")), Svc("shared-file-system", null, Ep("admin", "http://sfs")));

        Assert.Equal("http://manila", catalog.GetEndpoint(new EndpointFilter("shared-file-system")));
        Assert.Equal("http://sfs", catalog.GetEndpoint(new EndpointFilter("sharev2", EndpointInterface.Admin)));
        Assert.Equal("http://sfs", catalog.GetEndpoint(new EndpointFilter("share", EndpointInterface.Admin)));
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("share"), out _)); // sharev2 is a sibling alias
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_requested_name_is_ignored_for_a_service_without_a_name(string? storedName)
    {
        // Keystone's SQL catalog stores a nameless service with an empty name.
        var catalog = Catalog(Svc("platform", storedName, Ep("admin", "http://nameless")));

        Assert.Equal("http://nameless", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, ServiceName: "sysinv")));
    }

    [Fact]
    public void A_requested_name_still_tells_named_services_apart()
    {
        var catalog = Catalog(
            Svc("platform", "other", Ep("admin", "http://other")),
            Svc("platform", "sysinv", Ep("admin", "http://sysinv")),
            Svc("platform", "", Ep("admin", "http://nameless")));

        Assert.Equal("http://sysinv", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, ServiceName: "sysinv")));
        Assert.Equal("http://nameless", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, ServiceName: "SYSINV")));
    }

    [Fact]
    public void An_empty_region_or_name_means_any()
    {
        var catalog = Catalog(
            Svc("platform", "sysinv", Ep("admin", "http://sc2", "subcloud2"), Ep("admin", "http://sc1", "subcloud1")));

        Assert.Equal("http://sc2", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, RegionName: "")));
        Assert.Equal("http://sc2", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, ServiceName: "")));
        Assert.Equal("http://sc1", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud1", "")));
    }

    [Fact]
    public void Not_found_with_an_empty_region_or_name_says_any_region_and_no_name()
    {
        var ex = Assert.Throws<EndpointNotFoundException>(() => Catalog(Svc("identity", null, Ep("public", "http://id")))
            .GetEndpoint(new EndpointFilter("platform", RegionName: "", ServiceName: "")));

        Assert.Contains("any region", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("service name", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_found_for_a_type_with_aliases_names_the_types_looked_for()
    {
        var catalog = Catalog(Svc("identity", null, Ep("public", "http://id")));

        var official = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(new EndpointFilter("block-storage")));
        var alias = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(new EndpointFilter("volumev3")));
        var plain = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(new EndpointFilter("platform")));

        Assert.Contains("service type 'block-storage' (or 'volumev3', 'volumev2', 'volume', 'block-store')", official.Message, StringComparison.Ordinal);
        Assert.Contains("service type 'volumev3' (or 'block-storage')", alias.Message, StringComparison.Ordinal);
        Assert.Contains("service type 'platform', interface", plain.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_is_refused_naming_where_it_is()
    {
        // UTF-8 cannot keep it; kept as U+FFFD a lookup for it would silently miss.
        var ex = Assert.Throws<ArgumentException>(() => Catalog(
            Svc("identity", null, Ep("public", "http://id")),
            Svc("platform", null, Ep("admin", "http://a", "sub\uD800cloud"))));

        Assert.Contains("region of endpoint 0 of service 1", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sub", ex.Message, StringComparison.Ordinal);
        Assert.Contains("type of service 0", Assert.Throws<ArgumentException>(() => Catalog(Svc("x\uDC00", null))).Message, StringComparison.Ordinal);
    }
}
