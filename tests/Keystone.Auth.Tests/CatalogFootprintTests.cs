using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keystone.Auth.Tests;

/// <summary>
/// A controller caches one catalog per subcloud, so a catalog's memory is the
/// cache's memory. These pin the compact form: ids as bytes, each repeated
/// string (host, region, type) written once, and decoded records sharing instances.
/// </summary>
public sealed class CatalogFootprintTests
{
    private static readonly (string Type, string Name, int Port)[] s_services =
    [
        ("identity", "keystone", 5001), ("platform", "sysinv", 6386), ("faultmanagement", "fm", 18003),
        ("usm", "usm", 5497), ("nfv", "vim", 4546), ("dcagent", "dcagent", 8326),
        ("dcorch-dbsync", "dcdbsync", 8220), ("patching", "patching", 15491), ("smapi", "smapi", 7777),
        ("key-manager", "barbican", 9311), ("compute", "nova", 8774), ("network", "neutron", 9696),
        ("image", "glance", 9292), ("volumev3", "cinderv3", 8776), ("placement", "placement", 8778),
        ("orchestration", "heat", 8004), ("cloudformation", "heat-cfn", 8000), ("alarming", "aodh", 8042),
        ("metric", "gnocchi", 8041), ("object-store", "swift", 8080),
    ];

    [Fact]
    public void A_subcloud_catalog_is_stored_in_a_fraction_of_its_json()
    {
        var json = SubcloudTokenBody(17);
        var access = AccessInfo.FromTokenResponse("tok", json);
        var jsonCatalogBytes = Encoding.UTF8.GetByteCount(JsonDocument.Parse(json).RootElement.GetProperty("token").GetProperty("catalog").GetRawText());

        // 80 ids of 32 hex digits alone are 1,280 B packed and 2,560 B as text;
        // 60 URLs on 3 hosts are ~600 B with hosts shared and ~1,700 B without;
        // 120 region fields are ~360 B as back-references and ~1,200 B as text.
        // Measured 2,850 B; 3,100 B fails if any of these packings is lost.
        Assert.InRange(access.Catalog.EncodedLength, 2_000, 3_100);
        Assert.True(access.Catalog.EncodedLength * 3 < jsonCatalogBytes, $"{access.Catalog.EncodedLength} B encoded vs {jsonCatalogBytes} B of JSON");

        // and it still answers
        Assert.Equal("https://[fd01:2::17]:6386/v1", access.Catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin, "subcloud17")));
        Assert.Equal("http://10.10.17.2:18080/v1", access.Catalog.GetEndpoint(new EndpointFilter("object-store", EndpointInterface.Public)));
    }

    [Fact]
    public void Decoded_records_share_one_instance_per_stored_string()
    {
        var access = AccessInfo.FromTokenResponse("tok", SubcloudTokenBody(3));
        var services = access.Catalog.Services;

        Assert.Same(services, access.Catalog.Services);
        Assert.Equal(20, services.Count);
        var first = services[0].Endpoints;
        var last = services[^1].Endpoints;

        Assert.Same(first[0].Region, first[0].RegionId);
        Assert.Same(first[0].Region, last[2].Region);
        Assert.Same(first[0].Url, first[1].Url); // admin and internal share a URL in this catalog
        Assert.Same("admin", first[0].Interface);
        Assert.Same("public", last[2].Interface);
    }

    [Fact]
    public void Non_canonical_interface_spellings_are_kept_as_written_and_never_match()
    {
        var catalog = new ServiceCatalog(
        [
            new CatalogService("platform", null, null,
            [
                new CatalogEndpoint(null, "adminURL", null, null, "http://a"),
                new CatalogEndpoint(null, "INTERNAL", null, null, "http://i"),
                new CatalogEndpoint(null, "bogus", null, null, "http://b"),
            ]),
        ]);

        Assert.Equal(["adminURL", "INTERNAL", "bogus"], catalog.Services[0].Endpoints.Select(e => e.Interface));
        // keystoneauth's v3 catalog compares the interface as written.
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin), out _));
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Internal), out _));
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("platform", EndpointInterface.Public), out _));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(-1)]
    public void An_undefined_interface_value_matches_nothing_and_is_reported_as_not_found(int value)
    {
        // 3 is also the compact form's code for an unparsable interface name.
        var catalog = new ServiceCatalog([new CatalogService("platform", null, null, [new CatalogEndpoint(null, "bogus", null, null, "http://b")])]);
        var filter = new EndpointFilter("platform", (EndpointInterface)value);

        Assert.False(catalog.TryGetEndpoint(filter, out _));
        var ex = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(filter));
        Assert.Contains($"interface '{value}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_of_more_than_16_MB_is_stored_and_found()
    {
        // A hostile or broken Keystone may send one (MaxResponseBytes allows
        // 64 MiB); it must parse like any other, not fail on a size field.
        var huge = "http://h/" + new string('a', 17 * 1024 * 1024);
        var catalog = new ServiceCatalog(
        [
            new CatalogService("object-store", null, null, [new CatalogEndpoint(null, "public", null, null, huge)]),
            new CatalogService("platform", null, null, [new CatalogEndpoint(null, "admin", null, null, "http://after")]),
        ]);

        Assert.Equal("http://after", catalog.GetEndpoint(new EndpointFilter("platform", EndpointInterface.Admin)));
#if NET10_0_OR_GREATER
        Assert.Equal(huge, catalog.GetEndpoint(new EndpointFilter("object-store")));
#else
        // .NET 8's Uri refuses strings over 65,519 characters, so no request
        // could be sent to this URL: it is skipped like any unusable one.
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter("object-store"), out _));
#endif
        Assert.Equal(huge, catalog.Services[0].Endpoints[0].Url);
    }

    [Fact]
    public void Null_services_or_endpoints_are_refused_naming_where()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCatalog([new CatalogService("a", null, null, []), null!]));
        Assert.Contains("index 1", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<ArgumentException>(() => new ServiceCatalog([new CatalogService("a", null, null, [null!])]));
        Assert.Contains("Endpoint 0", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A StarlingX subcloud's token: IPv6 admin, IPv4 internal and public hosts, uuid hex ids.</summary>
    private static string SubcloudTokenBody(int subcloud)
    {
        var region = "subcloud" + subcloud.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("""{"token":{"methods":["password"],"expires_at":"2099-01-01T00:00:00.000000Z","issued_at":"2098-12-31T23:00:00.000000Z",""");
        sb.Append("""  "user":{"id":"u","name":"dcmanager","domain":{"id":"default","name":"Default"}},"catalog":[""");
        for (var s = 0; s < s_services.Length; s++)
        {
            var (type, name, port) = s_services[s];
            var path = type == "identity" ? "/v3" : "/v1";
            sb.Append(s == 0 ? "" : ",");
            sb.Append(CultureInfo.InvariantCulture, $$"""{"type":"{{type}}","name":"{{name}}","id":"{{Id(subcloud, s, 0)}}","endpoints":[""");
            sb.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{Id(subcloud, s, 1)}}","interface":"admin","region":"{{region}}","region_id":"{{region}}","url":"https://[fd01:2::{{subcloud}}]:{{port}}{{path}}"},""");
            sb.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{Id(subcloud, s, 2)}}","interface":"internal","region":"{{region}}","region_id":"{{region}}","url":"https://[fd01:2::{{subcloud}}]:{{port}}{{path}}"},""");
            sb.Append(CultureInfo.InvariantCulture, $$"""{"id":"{{Id(subcloud, s, 3)}}","interface":"public","region":"{{region}}","region_id":"{{region}}","url":"http://10.10.{{subcloud}}.2:{{port + 10000}}{{path}}"}]}""");
        }

        sb.Append("]}}");
        return sb.ToString();
    }

    private static string Id(int subcloud, int service, int endpoint) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((subcloud * 1000) + (service * 10) + endpoint)))[..32].ToLowerInvariant();
}
