using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Keystone.Auth.Tests;

/// <summary>
/// Pins, through the public API only, what <see cref="ServiceCatalog"/> gives
/// back and which endpoint it selects, so that a change of its internal storage
/// (packed UTF-8 strings, packed hex ids, split and shared URLs, a table of
/// well-known names, a memo of the last lookup) cannot alter a single value or
/// match: random round trips with hostile strings, lookups against a reference
/// matcher written from keystoneauth's rules, the API-reference token vectors,
/// lookups repeated, interleaved and concurrent, and an allocation-free
/// repeated lookup. Every random case is seeded and reproducible.
/// </summary>
public sealed class CatalogEncodingTests(ITestOutputHelper output)
{
    private const int RoundTripCatalogs = 400;
    private const int ParityCatalogs = 300;
    private const int FiltersPerCatalog = 60;
    private const int InterleavedCatalogs = 200;
    private const int ParsedCatalogs = 150;

    // ---------------------------------------------------------------- round trip

    [Fact]
    public void Random_catalogs_round_trip_every_field_in_order()
    {
        var endpoints = 0;
        ForEachSeed(1_000, RoundTripCatalogs, seed =>
        {
            var services = new CatalogGen(new Random(seed)).Catalog();
            var catalog = new ServiceCatalog(services);

            AssertSameServices(services, catalog.Services);
            Assert.Equal(services.Count == 0, catalog.IsEmpty);

            // Read again: nothing may be decoded into a buffer the next read reuses.
            AssertSameServices(services, catalog.Services);
            endpoints += services.Sum(s => s.Endpoints.Count);
        });
        output.WriteLine($"{RoundTripCatalogs} catalogs, {endpoints} endpoints");
    }

    [Fact]
    public void Every_hostile_value_round_trips_in_every_field()
    {
        var all = new List<CatalogService>();
        foreach (var v in CatalogGen.HostileSamples)
        {
            CatalogService[] services =
            [
                new(v, v, v, [new(v, v, v, v, v)]),
                new(v, null, null, []),
                new(v, string.Empty, string.Empty, [new(null, "public", null, null, v), new(string.Empty, "admin", string.Empty, string.Empty, v)]),
                new("identity", v, v, [new(v, "internal", v, null, v), new(v, "internal", null, v, "http://h/" + v)]),
            ];
            AssertSameServices(services, new ServiceCatalog(services).Services, Show(v));
            AssertLookupsMatchEverywhere(services, new ServiceCatalog(services));
            all.AddRange(services);
        }

        // All of them in one catalog: every value shared across fields and services.
        var catalog = new ServiceCatalog(all);
        AssertSameServices(all, catalog.Services);
        AssertLookupsMatchEverywhere(all, catalog);
    }

    [Fact]
    public void Invalid_utf16_round_trips_and_is_not_confused_with_its_replacement_character()
    {
        // Valid .NET strings that UTF-8 cannot carry: an encoder that goes
        // through Encoding.UTF8 turns each lone surrogate into U+FFFD.
        string[] values = ["\uD800", "a\uDC00b", "\uDBFF", "\uDC00\uD83D", "x\uD83D", "\uFFFD", "a\uFFFDb", "?", "a?b", string.Empty];
        var services = values
            .Select(v => new CatalogService(v, v, v, [new(v, "public", v, v, "http://h/" + v), new(v, "admin", null, v, v)]))
            .ToList();
        var catalog = new ServiceCatalog(services);

        AssertSameServices(services, catalog.Services);
        foreach (var v in values)
        {
            Assert.Equal("http://h/" + v, catalog.GetEndpoint(new EndpointFilter(v, RegionName: v, ServiceName: v)));
        }

        AssertLookupsMatchEverywhere(services, catalog);
    }

    [Fact]
    public void Values_at_length_boundaries_round_trip()
    {
        int[] lengths = [0, 1, 15, 16, 31, 32, 33, 63, 64, 127, 128, 129, 255, 256, 257, 1023, 1024, 4095, 4096, 5000, 16383, 16384, 16385, 65535, 65536, 65537, 70000];
        string[] units = ["a", "é", "中", "😀", "f", "F"];
        var services = new List<CatalogService>();
        foreach (var unit in units)
        {
            foreach (var length in lengths)
            {
                var v = Repeat(unit, length);
                var url = "https://" + Repeat(unit, length) + ":5001/" + v;
                services.Add(new(v, v, v, [new(v, "public", v, v, url), new(v, "admin", v, "r", v)]));
            }
        }

        // Hosts, ports and paths that are long each on their own.
        services.Add(new("long-url", null, null,
        [
            new(null, "public", null, null, "https://" + new string('h', 5000) + ":5001/v3"),
            new(null, "public", null, null, "https://h:" + new string('9', 5000) + "/v3"),
            new(null, "public", null, null, "https://h:5001/" + new string('p', 70000)),
            new(null, "public", null, null, new string(':', 5000)),
            new(null, "public", null, null, "http://" + string.Concat(Enumerable.Repeat("[fd01:2::2]", 500))),
        ]));

        var catalog = new ServiceCatalog(services);
        AssertSameServices(services, catalog.Services);
        foreach (var service in services)
        {
            // An empty host or one longer than Uri allows is not a URL a request can go to: never selected.
            var filter = new EndpointFilter(service.Type, RegionName: service.Endpoints[0].RegionId, ServiceName: service.Name);
            AssertLookup(catalog, filter, ReferenceLookup(services, filter), useGet: false);
        }
    }

    [Fact]
    public void Many_services_and_more_than_65536_endpoints_round_trip_and_resolve()
    {
        // 300 services x 240 endpoints = 72,000 endpoints, each with its own
        // URL, id and region: more than any 16-bit index or count can hold.
        var rng = new Random(42);
        var services = new List<CatalogService>(300);
        for (var s = 0; s < 300; s++)
        {
            var endpoints = new List<CatalogEndpoint>(240);
            for (var e = 0; e < 240; e++)
            {
                var n = (s * 240) + e;
                endpoints.Add(new(CatalogGen.Hex(rng, 32, upper: false), CatalogGen.InterfaceNames[e % 3], "Region" + (n % 7), "region-" + n, $"http://10.{s % 256}.{e}.{n % 251}:{1000 + (n % 60000)}/v{n}"));
            }

            services.Add(new(CatalogGen.WellKnownTypes[s % CatalogGen.WellKnownTypes.Length], "name-" + s, CatalogGen.Hex(rng, 32, upper: false), endpoints));
        }

        var catalog = new ServiceCatalog(services);
        AssertSameServices(services, catalog.Services);

        var last = services[^1];
        Assert.Equal(last.Endpoints[^1].Url, catalog.GetEndpoint(new EndpointFilter(last.Type, EndpointInterface.Admin, last.Endpoints[^1].RegionId, last.Name)));
        for (var i = 0; i < 200; i++)
        {
            var service = services[rng.Next(services.Count)];
            var endpoint = service.Endpoints[rng.Next(service.Endpoints.Count)];
            var filter = new EndpointFilter(
                service.Type,
                (EndpointInterface)rng.Next(3),
                rng.Next(3) switch { 0 => null, 1 => endpoint.RegionId, _ => endpoint.Region },
                rng.Next(2) == 0 ? null : service.Name);
            AssertLookupMatches(services, catalog, filter);
        }
    }

    [Fact]
    public void Empty_catalogs_and_services_without_endpoints()
    {
        Assert.True(ServiceCatalog.Empty.IsEmpty);
        Assert.Empty(ServiceCatalog.Empty.Services);
        Assert.True(new ServiceCatalog([]).IsEmpty);
        var empty = Assert.Throws<EndpointNotFoundException>(() => ServiceCatalog.Empty.GetEndpoint(new EndpointFilter("identity")));
        Assert.True(empty.CatalogIsEmpty);

        CatalogService[] services = [new("identity", null, null, []), new(string.Empty, string.Empty, string.Empty, [])];
        var catalog = new ServiceCatalog(services);
        Assert.False(catalog.IsEmpty);
        AssertSameServices(services, catalog.Services);
        var none = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(new EndpointFilter("identity")));
        Assert.False(none.CatalogIsEmpty);
        Assert.False(catalog.TryGetEndpoint(new EndpointFilter(string.Empty), out var url));
        Assert.Null(url);
    }

    // ---------------------------------------------------------------- matching

    [Fact]
    public void Reference_interface_parser_agrees_with_EndpointFilter()
    {
        var rng = new Random(7);
        var gen = new CatalogGen(rng);
        var texts = CatalogGen.InterfaceSamples.Concat(CatalogGen.HostileSamples).Concat(Enumerable.Range(0, 2000).Select(_ => gen.Interface()));
        foreach (var text in texts)
        {
            var parsed = EndpointFilter.TryParseInterface(text, out var value) ? value : (EndpointInterface?)null;
            Assert.Equal(ReferenceInterface(text), parsed);
        }
    }

    [Fact]
    public void Lookups_match_the_reference_matcher()
    {
        int hits = 0, misses = 0;
        ForEachSeed(5_000, ParityCatalogs, seed =>
        {
            var rng = new Random(seed);
            var gen = new CatalogGen(rng);
            var services = gen.Catalog(narrow: true);
            var catalog = new ServiceCatalog(services);
            for (var i = 0; i < FiltersPerCatalog; i++)
            {
                if (AssertLookupMatches(services, catalog, gen.Filter(services)) is null)
                {
                    misses++;
                }
                else
                {
                    hits++;
                }
            }
        });

        output.WriteLine($"{ParityCatalogs * FiltersPerCatalog} filters: {hits} found, {misses} not found");

        // Both outcomes must be well represented, or the comparison proves little.
        Assert.True(hits > ParityCatalogs * FiltersPerCatalog / 5, $"only {hits} lookups found an endpoint");
        Assert.True(misses > ParityCatalogs * FiltersPerCatalog / 10, $"only {misses} lookups found nothing");
    }

    [Fact]
    public void Repeated_and_interleaved_lookups_never_return_a_stale_result()
    {
        // A B A C B B D A C C D D B A: repeats, returns to an earlier filter,
        // and runs of one filter; each step uses one of several equal instances.
        int[] pattern = [0, 1, 0, 2, 1, 1, 3, 0, 2, 2, 3, 3, 1, 0];
        ForEachSeed(9_000, InterleavedCatalogs, seed =>
        {
            var rng = new Random(seed);
            var gen = new CatalogGen(rng);
            var services = gen.Catalog(narrow: true);
            var otherServices = gen.Catalog(narrow: true);
            var catalog = new ServiceCatalog(services);
            var other = new ServiceCatalog(otherServices);

            var filters = Enumerable.Range(0, 4).Select(_ => gen.Filter(services)).ToArray();
            var variants = filters.Select(f => EqualInstances(f).ToArray()).ToArray();
            var expected = filters.Select(f => ReferenceLookup(services, f)).ToArray();
            var otherExpected = filters.Select(f => ReferenceLookup(otherServices, f)).ToArray();

            for (var step = 0; step < 140; step++)
            {
                var which = pattern[step % pattern.Length];
                var filter = variants[which][step % variants[which].Length];
                AssertLookup(catalog, filter, expected[which], useGet: step % 3 == 0);

                // The same filter on another catalog in between.
                if (step % 4 == 1)
                {
                    AssertLookup(other, filter, otherExpected[which], useGet: false);
                }
            }
        });
    }

    [Fact]
    public void Filters_that_differ_only_in_null_versus_empty_or_case_are_told_apart()
    {
        CatalogService[] services =
        [
            new("identity", null, null, [new(null, "public", null, null, "http://null-name")]),
            new("identity", string.Empty, string.Empty, [new(string.Empty, "public", string.Empty, string.Empty, "http://empty-name")]),
            new("identity", "Keystone", null, [new(null, "public", "RegionOne", null, "http://upper-keystone")]),
            new("identity", "keystone", null, [new(null, "public", "regionone", "RegionOne", "http://lower-keystone")]),
            new("Identity", "keystone", null, [new(null, "public", "RegionOne", "RegionOne", "http://upper-identity")]),
        ];
        var catalog = new ServiceCatalog(services);

        (EndpointFilter Filter, string? Url)[] cases =
        [
            (new("identity"), "http://null-name"),
            (new("identity", ServiceName: string.Empty), "http://empty-name"),
            (new("identity", RegionName: string.Empty), "http://empty-name"),
            (new("identity", RegionName: "RegionOne"), "http://upper-keystone"),
            (new("identity", RegionName: "regionone"), null),
            (new("identity", ServiceName: "keystone"), "http://lower-keystone"),
            (new("identity", ServiceName: "Keystone"), "http://upper-keystone"),
            (new("identity", RegionName: "RegionOne", ServiceName: "keystone"), "http://lower-keystone"),
            (new("identity", RegionName: "regionone", ServiceName: "keystone"), null),
            (new("Identity"), "http://upper-identity"),
            (new("identity "), null),
            (new("identity", EndpointInterface.Admin), null),
            (new("identity", EndpointInterface.Admin) { FallbackInterfaces = [EndpointInterface.Public] }, "http://null-name"),
            (new("identity", EndpointInterface.Admin) { FallbackInterfaces = [] }, null),
        ];

        foreach (var (filter, url) in cases)
        {
            Assert.Equal(url, ReferenceLookup(services, filter));
        }

        // Every order of every pair, three rounds: a memo keyed on anything
        // less than the whole filter hands one filter's answer to another.
        for (var round = 0; round < 3; round++)
        {
            foreach (var (first, firstUrl) in cases)
            {
                foreach (var (second, secondUrl) in cases)
                {
                    AssertLookup(catalog, first, firstUrl, useGet: round == 1);
                    AssertLookup(catalog, second, secondUrl, useGet: round == 2);
                    AssertLookup(catalog, first with { }, firstUrl, useGet: false);
                }
            }
        }
    }

    [Fact]
    public void Changing_a_fallback_list_after_a_lookup_is_seen_by_the_next_lookup()
    {
        // The catalog remembers its last answer; a filter whose fallback list is
        // a List the caller later edits must still see the edit.
        var catalog = new ServiceCatalog([new("platform", "sysinv", null, [new(null, "admin", "RegionOne", "RegionOne", "http://pl-adm")])]);
        var fallbacks = new List<EndpointInterface> { EndpointInterface.Internal };
        var filter = new EndpointFilter("platform") { FallbackInterfaces = fallbacks };

        Assert.False(catalog.TryGetEndpoint(filter, out _));
        fallbacks.Add(EndpointInterface.Admin);
        Assert.True(catalog.TryGetEndpoint(filter, out var url));
        Assert.Equal("http://pl-adm", url);
        fallbacks.Clear();
        Assert.False(catalog.TryGetEndpoint(filter, out _));
    }

    // ---------------------------------------------------------------- parsed catalogs

    /// <summary>The API-reference vectors whose token carries a non-empty catalog.</summary>
    public static TheoryData<string> TokenVectors => new(TokenVectorNames);

    private static readonly string[] TokenVectorNames =
    [
        "auth-application-credential-response.json",
        "auth-password-project-scoped-response.json",
        "auth-token-scoped-response.json",
    ];

    [VectorFact]
    public void Every_api_reference_token_with_a_catalog_is_covered()
    {
        var found = new List<string>();
        foreach (var path in Directory.EnumerateFiles(Vectors.Directory!).Order(StringComparer.Ordinal))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(BodyOf(File.ReadAllText(path)));
            }
            catch (JsonException)
            {
                continue;
            }

            using (document)
            {
                if (document.RootElement is { ValueKind: JsonValueKind.Object } root
                    && root.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.Object
                    && token.TryGetProperty("catalog", out var catalog) && catalog.ValueKind == JsonValueKind.Array
                    && catalog.GetArrayLength() > 0)
                {
                    found.Add(Path.GetFileName(path));
                }
            }
        }

        Assert.Equal(TokenVectorNames, found);
    }

    [VectorTheory]
    [MemberData(nameof(TokenVectors))]
    public void Api_reference_token_catalog_parses_to_its_json(string vector)
    {
        var body = BodyOf(Vectors.ReadText(vector));
        using var json = JsonDocument.Parse(body);
        var expected = ServicesFromJson(json.RootElement.GetProperty("token").GetProperty("catalog"));

        var access = AccessInfo.FromTokenResponse("tok", body);

        Assert.NotEmpty(expected);
        Assert.False(access.Catalog.IsEmpty);
        AssertSameServices(expected, access.Catalog.Services);
        AssertLookupsMatchEverywhere(expected, access.Catalog);
    }

    [VectorFact]
    public void Api_reference_token_catalog_has_the_documented_values()
    {
        // A few values by hand, in case the JSON reader above and the parser agree on a mistake.
        var catalog = AccessInfo.FromTokenResponse("tok", Vectors.ReadText("auth-token-scoped-response.json")).Catalog;

        var image = catalog.Services[0];
        Assert.Equal(("image", "glance", "495df2483dc145dbb6b34bfbdd787aae"), (image.Type, image.Name, image.Id));
        Assert.Equal(new CatalogEndpoint("b2605da9b25943beb49b2bd86aca2202", "admin", "RegionOne", "RegionOne", "http://23.253.248.171:9292"), image.Endpoints[0]);
        Assert.Equal("http://23.253.248.171:8773/", catalog.GetEndpoint(new EndpointFilter("ec2", EndpointInterface.Internal, "RegionOne", "ec2")));
    }

    [VectorFact]
    public void Api_reference_catalog_listing_parses_to_its_json()
    {
        var listing = Vectors.ReadText("get-service-catalog-response.json");
        using var json = JsonDocument.Parse(listing);
        var expected = ServicesFromJson(json.RootElement.GetProperty("catalog"));
        var body = Fixtures.EditToken(t => t["catalog"] = JsonNode.Parse(listing)!["catalog"]!.DeepClone());

        var access = AccessInfo.FromTokenResponse("tok", body);

        Assert.NotEmpty(expected);
        AssertSameServices(expected, access.Catalog.Services);
        AssertLookupsMatchEverywhere(expected, access.Catalog);
    }

    [Fact]
    public void Random_catalogs_through_the_token_parser_match_their_json()
    {
        ForEachSeed(20_000, ParsedCatalogs, seed =>
        {
            var rng = new Random(seed);
            var gen = new CatalogGen(rng);
            var services = gen.Catalog(narrow: seed % 2 == 0);
            var body = Fixtures.EditToken(t => t["catalog"] = CatalogJson(services, rng));
            using var json = JsonDocument.Parse(body);
            var expected = ServicesFromJson(json.RootElement.GetProperty("token").GetProperty("catalog"));

            var access = AccessInfo.FromTokenResponse("tok", body);

            Assert.Equal(expected.Count == 0, access.Catalog.IsEmpty);
            AssertSameServices(expected, access.Catalog.Services);
            for (var i = 0; i < 20; i++)
            {
                AssertLookupMatches(expected, access.Catalog, gen.Filter(expected));
            }
        });
    }

    // ---------------------------------------------------------------- concurrency and allocation

    /// <summary>
    /// 8 threads thrash one catalog with 3 filters in turn. Matches near the
    /// start of the catalog make lookups short, so a memo is written most often
    /// there: more lookups there give a torn (filter, URL) pair its chance.
    /// </summary>
    [Theory]
    [InlineData(17, 10_000)]
    [InlineData(0, 100_000)]
    public void Concurrent_lookups_on_one_shared_catalog_return_the_right_url(int firstService, int lookups)
    {
        const int Threads = 8;
        var services = TwentyServices();
        var catalog = new ServiceCatalog(services);
        EndpointFilter[] filters =
        [
            new(services[firstService + 2].Type, EndpointInterface.Admin),
            new(services[firstService].Type, EndpointInterface.Internal, "RegionOne", services[firstService].Name),
            new(services[firstService + 1].Type, EndpointInterface.Public) { FallbackInterfaces = [EndpointInterface.Admin] },
        ];
        var expected = filters.Select(f => ReferenceLookup(services, f)!).ToArray();
        Assert.Equal(3, expected.Distinct().Count());

        var failures = new ConcurrentQueue<string>();
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            // Odd threads use their own equal copies of the filters.
            var mine = t % 2 == 0 ? filters : filters.Select(f => f with { }).ToArray();
            barrier.SignalAndWait();
            try
            {
                for (var i = 0; i < lookups; i++)
                {
                    var which = (i + t) % 3;
                    var url = i % 2 == 0
                        ? (catalog.TryGetEndpoint(mine[which], out var found) ? found : null)
                        : catalog.GetEndpoint(mine[which]);
                    if (!string.Equals(url, expected[which], StringComparison.Ordinal) && failures.Count < 10)
                    {
                        failures.Enqueue($"thread {t}, lookup {i}, filter {which}: got {Show(url)}, expected {Show(expected[which])}");
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue($"thread {t}: {ex}");
            }
        })
        { IsBackground = true }).ToList();

        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());

        Assert.Empty(failures);
    }

    [Fact]
    public void Repeated_lookup_with_one_filter_allocates_nothing()
    {
        var services = TwentyServices();
        var catalog = new ServiceCatalog(services);
        EndpointFilter[] filters =
        [
            new(services[^1].Type, EndpointInterface.Admin),
            new(services[^1].Type, EndpointInterface.Admin, "RegionOne", services[^1].Name),
        ];

        foreach (var filter in filters)
        {
            var expected = ReferenceLookup(services, filter);
            Assert.Equal(services[^1].Endpoints[^1].Url, expected);
            Assert.Equal(expected, catalog.GetEndpoint(filter)); // warm-up

            var wrong = 0;
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                if (!catalog.TryGetEndpoint(filter, out var url) || !string.Equals(url, expected, StringComparison.Ordinal))
                {
                    wrong++;
                }

                if (!string.Equals(catalog.GetEndpoint(filter), expected, StringComparison.Ordinal))
                {
                    wrong++;
                }
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, wrong);
            Assert.Equal(0, allocated);
        }
    }

    // ---------------------------------------------------------------- reference matcher

    /// <summary>
    /// keystoneauth's selection, written out plainly over the input records:
    /// the wanted interface, then each fallback; within one, services in order
    /// (type ordinal, name ordinal when given), then endpoints in order (empty
    /// URL skipped, interface parsed and equal, region compared to region_id,
    /// or region when region_id is null or empty; URLs that are not absolute
    /// http(s) skipped); the first match wins.
    /// </summary>
    private static string? ReferenceLookup(IReadOnlyList<CatalogService> services, EndpointFilter filter)
    {
        var order = new List<EndpointInterface> { filter.Interface };
        if (filter.FallbackInterfaces is { } more)
        {
            order.AddRange(more);
        }

        foreach (var wanted in order)
        {
            foreach (var service in services)
            {
                if (!string.Equals(service.Type, filter.ServiceType, StringComparison.Ordinal)
                    || (filter.ServiceName is not null && !string.Equals(service.Name, filter.ServiceName, StringComparison.Ordinal)))
                {
                    continue;
                }

                foreach (var endpoint in service.Endpoints)
                {
                    if (!ReferenceUsable(endpoint.Url) || ReferenceInterface(endpoint.Interface) != wanted)
                    {
                        continue;
                    }

                    var region = string.IsNullOrEmpty(endpoint.RegionId) ? endpoint.Region : endpoint.RegionId;
                    if (filter.RegionName is not null && !string.Equals(region, filter.RegionName, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    return endpoint.Url;
                }
            }
        }

        return null;
    }

    /// <summary>What a request can be sent to: an absolute http or https URL with a host.</summary>
    private static bool ReferenceUsable(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && (uri.Scheme == "http" || uri.Scheme == "https");

    /// <summary>public / internal / admin, any case, optional "URL" suffix (any case), surrounding white space ignored.</summary>
    private static EndpointInterface? ReferenceInterface(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var name = text.Trim();
        if (name.EndsWith("URL", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        return name.Equals("public", StringComparison.OrdinalIgnoreCase) ? EndpointInterface.Public
            : name.Equals("internal", StringComparison.OrdinalIgnoreCase) ? EndpointInterface.Internal
            : name.Equals("admin", StringComparison.OrdinalIgnoreCase) ? EndpointInterface.Admin
            : null;
    }

    /// <summary>Compares TryGetEndpoint and GetEndpoint with the reference; returns the URL found.</summary>
    private static string? AssertLookupMatches(IReadOnlyList<CatalogService> services, ServiceCatalog catalog, EndpointFilter filter)
    {
        var expected = ReferenceLookup(services, filter);
        AssertLookup(catalog, filter, expected, useGet: false);
        AssertLookup(catalog, filter, expected, useGet: true);
        return expected;
    }

    private static void AssertLookup(ServiceCatalog catalog, EndpointFilter filter, string? expected, bool useGet)
    {
        if (!useGet)
        {
            var found = catalog.TryGetEndpoint(filter, out var url);
            if (found != expected is not null || !string.Equals(url, expected, StringComparison.Ordinal))
            {
                Assert.Fail($"TryGetEndpoint({Describe(filter)}) = ({found}, {Show(url)}), expected {Show(expected)}");
            }

            return;
        }

        if (expected is not null)
        {
            var url = catalog.GetEndpoint(filter);
            if (!string.Equals(url, expected, StringComparison.Ordinal))
            {
                Assert.Fail($"GetEndpoint({Describe(filter)}) = {Show(url)}, expected {Show(expected)}");
            }

            return;
        }

        var ex = Assert.Throws<EndpointNotFoundException>(() => catalog.GetEndpoint(filter));
        Assert.Same(filter, ex.Filter);
        Assert.Equal(catalog.Services.Count == 0, ex.CatalogIsEmpty);
    }

    /// <summary>Every type x name (any, each) x region (any, each, absent) x interface, with and without fallbacks.</summary>
    private static void AssertLookupsMatchEverywhere(IReadOnlyList<CatalogService> services, ServiceCatalog catalog)
    {
        var types = services.Select(s => s.Type).Append("absent-type").Distinct(StringComparer.Ordinal).ToList();
        var names = services.Select(s => s.Name).Where(n => n is not null).Append(null).Append("absent-name").Distinct(StringComparer.Ordinal).ToList();
        var regions = services.SelectMany(s => s.Endpoints).SelectMany(e => new[] { e.Region, e.RegionId }).Append(null).Append("absent-region")
            .Distinct(StringComparer.Ordinal).ToList();
        EndpointInterface[] interfaces = [EndpointInterface.Public, EndpointInterface.Internal, EndpointInterface.Admin];

        var checks = 0;
        foreach (var type in types)
        {
            foreach (var name in names)
            {
                foreach (var region in regions)
                {
                    foreach (var wanted in interfaces)
                    {
                        AssertLookupMatches(services, catalog, new EndpointFilter(type, wanted, region, name));
                        AssertLookupMatches(services, catalog, new EndpointFilter(type, wanted, region, name) { FallbackInterfaces = [.. Enumerable.Reverse(interfaces)] });
                        if (++checks > 20_000)
                        {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Instances equal in value to <paramref name="filter"/> (some not even record-equal: a new fallback list).</summary>
    private static IEnumerable<EndpointFilter> EqualInstances(EndpointFilter filter)
    {
        yield return filter;
        yield return filter with { };
        yield return new EndpointFilter(
            new string(filter.ServiceType.AsSpan()),
            filter.Interface,
            filter.RegionName is null ? null : new string(filter.RegionName.AsSpan()),
            filter.ServiceName is null ? null : new string(filter.ServiceName.AsSpan()))
        {
            FallbackInterfaces = filter.FallbackInterfaces?.ToArray(),
        };
        yield return filter;
    }

    private static string Describe(EndpointFilter filter) =>
        $"type {Show(filter.ServiceType)}, {filter.Interface}, region {Show(filter.RegionName)}, name {Show(filter.ServiceName)}, fallbacks "
        + (filter.FallbackInterfaces is null ? "null" : "[" + string.Join(", ", filter.FallbackInterfaces) + "]");

    // ---------------------------------------------------------------- deep comparison

    private static void AssertSameServices(IReadOnlyList<CatalogService> expected, IReadOnlyList<CatalogService> actual, string where = "")
    {
        Assert.Equal(expected.Count, actual.Count);

        // Indexer, enumerator and LINQ copy must all agree with the input.
        var enumerated = new List<CatalogService>();
        foreach (var service in actual)
        {
            enumerated.Add(service);
        }

        var copied = actual.ToArray();
        Assert.Equal(expected.Count, enumerated.Count);
        Assert.Equal(expected.Count, copied.Length);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameService(expected[i], actual[i], $"{where} Services[{i}]");
            AssertSameService(expected[i], enumerated[i], $"{where} (foreach) Services[{i}]");
            AssertSameService(expected[i], copied[i], $"{where} (ToArray) Services[{i}]");
        }
    }

    private static void AssertSameService(CatalogService expected, CatalogService actual, string path)
    {
        AssertField(expected.Type, actual.Type, path + ".Type");
        AssertField(expected.Name, actual.Name, path + ".Name");
        AssertField(expected.Id, actual.Id, path + ".Id");
        Assert.Equal(expected.Endpoints.Count, actual.Endpoints.Count);

        var enumerated = new List<CatalogEndpoint>();
        foreach (var endpoint in actual.Endpoints)
        {
            enumerated.Add(endpoint);
        }

        Assert.Equal(expected.Endpoints.Count, enumerated.Count);
        for (var i = 0; i < expected.Endpoints.Count; i++)
        {
            AssertSameEndpoint(expected.Endpoints[i], actual.Endpoints[i], $"{path}.Endpoints[{i}]");
            AssertSameEndpoint(expected.Endpoints[i], enumerated[i], $"{path} (foreach) .Endpoints[{i}]");
        }
    }

    private static void AssertSameEndpoint(CatalogEndpoint expected, CatalogEndpoint actual, string path)
    {
        AssertField(expected.Id, actual.Id, path + ".Id");
        AssertField(expected.Interface, actual.Interface, path + ".Interface");
        AssertField(expected.Region, actual.Region, path + ".Region");
        AssertField(expected.RegionId, actual.RegionId, path + ".RegionId");
        AssertField(expected.Url, actual.Url, path + ".Url");
        Assert.Equal(expected, actual);
    }

    /// <summary>Ordinal equality; null and empty are different values.</summary>
    private static void AssertField(string? expected, string? actual, string path)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            Assert.Fail($"{path}: expected {Show(expected)}, got {Show(actual)}");
        }
    }

    /// <summary>A value for a failure message: null spelled out, non-ASCII escaped, long values cut.</summary>
    private static string Show(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder("\"");
        foreach (var c in value.Length > 120 ? value[..120] : value)
        {
            text.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        text.Append('"');
        return value.Length > 120 ? $"{text}... ({value.Length} chars)" : text.ToString();
    }

    // ---------------------------------------------------------------- JSON, read independently of the parser

    /// <summary>
    /// The catalog as the token parser documents it: null entries skipped, a
    /// service without a type (missing, null or empty) dropped, a missing or
    /// null interface or URL read as empty, every other field as written.
    /// </summary>
    private static List<CatalogService> ServicesFromJson(JsonElement catalog)
    {
        var services = new List<CatalogService>();
        foreach (var service in catalog.EnumerateArray())
        {
            if (service.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(JsonString(service, "type")))
            {
                continue;
            }

            var endpoints = new List<CatalogEndpoint>();
            if (service.TryGetProperty("endpoints", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in list.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Object)
                    {
                        endpoints.Add(new(JsonString(e, "id"), JsonString(e, "interface") ?? string.Empty, JsonString(e, "region"), JsonString(e, "region_id"), JsonString(e, "url") ?? string.Empty));
                    }
                }
            }

            services.Add(new(JsonString(service, "type")!, JsonString(service, "name"), JsonString(service, "id"), endpoints));
        }

        return services;
    }

    private static string? JsonString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The services as token JSON, with nulls sometimes omitted, sometimes written, and entries the parser skips.</summary>
    private static JsonArray CatalogJson(IReadOnlyList<CatalogService> services, Random rng)
    {
        static void Put(JsonObject target, string key, string? value, Random rng)
        {
            if (value is not null || rng.Next(2) == 0)
            {
                target[key] = value;
            }
        }

        var array = new JsonArray();
        foreach (var service in services)
        {
            switch (rng.Next(40))
            {
                case 0:
                    array.Add(null);
                    break;
                case 1:
                    array.Add(new JsonObject { ["name"] = "no-type", ["endpoints"] = new JsonArray(new JsonObject { ["interface"] = "public", ["url"] = "http://x" }) });
                    break;
                case 2:
                    array.Add(new JsonObject { ["type"] = string.Empty, ["endpoints"] = new JsonArray() });
                    break;
            }

            var endpoints = new JsonArray();
            foreach (var e in service.Endpoints)
            {
                if (rng.Next(30) == 0)
                {
                    endpoints.Add(null);
                }

                var item = new JsonObject();
                Put(item, "id", e.Id, rng);
                Put(item, "interface", rng.Next(25) == 0 ? null : e.Interface, rng);
                Put(item, "region", e.Region, rng);
                Put(item, "region_id", e.RegionId, rng);
                Put(item, "url", rng.Next(25) == 0 ? null : e.Url, rng);
                endpoints.Add(item);
            }

            var obj = new JsonObject();
            if (rng.Next(2) == 0)
            {
                obj["endpoints"] = endpoints;
            }

            obj["type"] = service.Type;
            Put(obj, "name", service.Name, rng);
            Put(obj, "id", service.Id, rng);
            if (!obj.ContainsKey("endpoints"))
            {
                obj["endpoints"] = endpoints;
            }

            array.Add(obj);
        }

        return array;
    }

    /// <summary>The JSON body of a vector: the whole file, or what follows the headers of a raw HTTP response.</summary>
    private static string BodyOf(string text)
    {
        if (!text.StartsWith("HTTP/", StringComparison.Ordinal))
        {
            return text;
        }

        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var blank = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        return blank < 0 ? string.Empty : normalized[(blank + 2)..];
    }

    // ---------------------------------------------------------------- generators

    private static void ForEachSeed(int first, int count, Action<int> body)
    {
        for (var seed = first; seed < first + count; seed++)
        {
            try
            {
                body(seed);
            }
            catch (Exception ex)
            {
                throw new XunitException($"seed {seed}: {ex.Message}", ex);
            }
        }
    }

    private static string Repeat(string unit, int length)
    {
        var text = new StringBuilder(length * unit.Length);
        for (var i = 0; i < length; i++)
        {
            text.Append(unit);
        }

        return text.ToString();
    }

    /// <summary>20 services of well-known types x public, internal, admin; distinct URLs; region and region_id "RegionOne".</summary>
    private static List<CatalogService> TwentyServices()
    {
        var rng = new Random(20);
        return Enumerable.Range(0, 20).Select(s => new CatalogService(
            CatalogGen.WellKnownTypes[s],
            "name-" + s,
            CatalogGen.Hex(rng, 32, upper: false),
            CatalogGen.InterfaceNames.Select((iface, e) => new CatalogEndpoint(CatalogGen.Hex(rng, 32, upper: false), iface, "RegionOne", "RegionOne", $"http://10.0.0.{s}:{5000 + s}/v{e}")).ToList()))
            .ToList();
    }

    /// <summary>Random catalogs and filters full of the values a compact encoding gets wrong.</summary>
    private sealed class CatalogGen(Random rng)
    {
        public static readonly string[] InterfaceNames = ["public", "internal", "admin"];

        public static readonly string[] WellKnownTypes =
        [
            "identity", "compute", "image", "volume", "volumev2", "volumev3", "network", "object-store", "orchestration", "placement",
            "platform", "dcmanager", "patching", "fm", "nfv", "usm", "key-manager", "smapi", "metric", "load-balancer", "ec2", "cloudformation",
        ];

        public static readonly string[] WellKnownNames =
        [
            "keystone", "nova", "glance", "cinder", "cinderv2", "cinderv3", "neutron", "swift", "heat", "heat-cfn", "placement",
            "sysinv", "dcmanager", "patching", "fm", "vim", "usm", "barbican", "smapi", "gnocchi", "octavia", "ec2",
        ];

        public static readonly string[] Regions = ["RegionOne", "RegionTwo", "SystemController", "subcloud1", "subcloud2", "regionone", "RegionOne "];

        public static readonly string[] InterfaceSamples =
        [
            "public", "internal", "admin", "publicURL", "internalURL", "adminURL", "PUBLIC", "Public", "ADMIN", "adminurl",
            " admin ", "\tinternal\n", "\u00A0public\u00A0", "\u200Bpublic", "weird", string.Empty, "URL", "url", "admin URL",
            "publicURLURL", "pub lic", "admi", "administrator", "publıc", "ADMİN", "internal\0", "privateURL",
        ];

        public static readonly string[] HostileSamples =
        [
            string.Empty, " ", "default", "Default", "0", "80", "-1", "65536",
            "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789ABCDEF",
            "00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff", "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0", "abc", "0123456789abcdef0123456789abcdeg", "0123456789abcdef 123456789abcdef",
            "0123456789abcdef0123456789abcdef\n", "01234567-89ab-cdef-0123-456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "é", "中文", "😀", "Région-Ω", "区域一", "e\u0301", "𝔘𝔫𝔦", "\u0000", "a\u0000b", "\uFEFF", "\uFFFD", "\u00A0",
            "\t\r\n", "\"\\/", "\u202Eevil", "%(tenant_id)s", "$(tenant_id)s",
            "identity", "Identity", "identity ", "identit", "identityx", "keystone", "KEYSTONE", "public", "RegionOne",
            "https://[fd01:2::2]:5001/v3", "http://u:p@h:1/x", "relative/path", "h:80", "http://h:080/x", "http://h/x", "http://h:80/x",
        ];

        private static readonly string[] OddUrls =
        [
            "relative/path", "h:80", "/abs/path", "h", "http://", "https://", "://h", "http:/h", "http:///p", "mailto:a@b",
            "file:///etc/x", " http://h:80/ ", "http://h:80\\p", "http://h:80/a b", "urn:x", "HTTP://H:80/", "http://[fd01:2::2]",
            "http://[::1]:5000", "http://[fd01:2::2]:5001/v3", "https://[fd01:2::2]:5001/v3", "http://u:p@h:1/x", "http://u@h/x",
            "http://h:80?q=1#f", "http://h?x", "http://h#f", "http://h:/x", "http://h:0/x", "http://h:080/x", "http://h:65535/x",
            "http://h:65536/x", "http://h:99999999999999/x", "http://h:-1/x", "http://h:+80/x", "http://h:abc/x", "http://h:80:81/x",
            "http://é.example:80/中文", "http://h/%(tenant_id)s", "http://h:8774/v2.1/%(tenant_id)s", "http://h:8080/v1/AUTH_$(tenant_id)s",
            "http://h:80/😀", "http://h:80/x%20y%2F", "http://h:80", "http://h:80/", "http://h", "http://h/", "http://h:80//",
        ];

        private static readonly string[] Schemes = ["http", "https", "http", "https", "HTTP", "Https", "ftp", string.Empty, "h"];

        private static readonly string[] Hosts =
        [
            "10.10.10.2", "192.168.204.2", "keystone.test", "[fd01:2::2]", "[::1]", "localhost", "é.example", "中文.test",
            string.Empty, "0123456789abcdef0123456789abcdef", "u:p@h", "user@10.10.10.2", "H",
        ];

        private static readonly string[] Ports =
        [
            string.Empty, string.Empty, string.Empty, ":80", ":443", ":5000", ":5001", ":6385", ":8774", ":9292", ":0", ":65535",
            ":65536", ":080", ":", ":99999", ":x", ":5001",
        ];

        private static readonly string[] Paths =
        [
            string.Empty, "/", "/v3", "/v3/", "/v2.1/%(tenant_id)s", "/v1/AUTH_%(tenant_id)s", "/v1", "/identity/v3", "/中文", "/😀",
            "//double", "/v3?x=1", "/v3#f", "/%(project_id)s/x",
        ];

        private static readonly string[] UnicodeChars = ["é", "中", "😀", "\u0000", "Ω", "\uFFFD", "a", "Z", "9", "-", ":", "/", "%", " ", "\u00A0", "𝔘"];

        private readonly List<string> _vocabulary = [];
        private readonly List<string> _urls = [];

        /// <summary>
        /// A catalog; <paramref name="narrow"/> draws more from a small per-catalog
        /// vocabulary so that lookups collide (several candidates per filter).
        /// </summary>
        public List<CatalogService> Catalog(bool narrow = false)
        {
            _vocabulary.Clear();
            _urls.Clear();
            for (var i = rng.Next(1, narrow ? 5 : 10); i > 0; i--)
            {
                _vocabulary.Add(Hostile());
            }

            var count = rng.Next(12) switch
            {
                0 => 0,
                1 => rng.Next(50, narrow ? 80 : 301),
                _ => rng.Next(1, narrow ? 8 : 12),
            };
            var services = new List<CatalogService>(count);
            for (var s = 0; s < count; s++)
            {
                var endpointCount = rng.Next(8) switch
                {
                    0 => 0,
                    1 => rng.Next(10, 40),
                    _ => rng.Next(1, 7),
                };
                var endpoints = new List<CatalogEndpoint>(endpointCount);
                for (var e = 0; e < endpointCount; e++)
                {
                    endpoints.Add(Endpoint(narrow));
                }

                services.Add(new(Type(narrow), Nullable(() => Name(narrow)), Nullable(Id), endpoints));
            }

            return services;
        }

        public CatalogEndpoint Endpoint(bool narrow)
        {
            string? region, regionId;
            switch (rng.Next(7))
            {
                case 0:
                    region = regionId = Nullable(() => Region(narrow));
                    break;
                case 1:
                    region = Nullable(() => Region(narrow));
                    regionId = region is null ? null : new string(region.AsSpan()); // equal, another instance
                    break;
                case 2:
                    region = Nullable(() => Region(narrow));
                    regionId = null;
                    break;
                case 3:
                    region = null;
                    regionId = Nullable(() => Region(narrow));
                    break;
                case 4:
                    region = Nullable(() => Region(narrow));
                    regionId = string.Empty;
                    break;
                default:
                    region = Nullable(() => Region(narrow));
                    regionId = Nullable(() => Region(narrow));
                    break;
            }

            return new(Nullable(Id), Interface(), region, regionId, Url());
        }

        public string Interface() => rng.Next(10) switch
        {
            < 6 => InterfaceNames[rng.Next(3)],
            < 9 => InterfaceSamples[rng.Next(InterfaceSamples.Length)],
            _ => Hostile(),
        };

        public string Type(bool narrow) => rng.Next(20) switch
        {
            < 9 => WellKnownTypes[rng.Next(narrow ? 4 : WellKnownTypes.Length)],
            < 12 => Variant(WellKnownTypes[rng.Next(narrow ? 4 : WellKnownTypes.Length)]),
            < 14 => WellKnownNames[rng.Next(WellKnownNames.Length)],
            < 16 => FromVocabulary(),
            _ => narrow && rng.Next(2) == 0 ? FromVocabulary() : Hostile(),
        };

        public string Name(bool narrow) => rng.Next(20) switch
        {
            < 9 => WellKnownNames[rng.Next(narrow ? 4 : WellKnownNames.Length)],
            < 12 => Variant(WellKnownNames[rng.Next(narrow ? 4 : WellKnownNames.Length)]),
            < 14 => WellKnownTypes[rng.Next(WellKnownTypes.Length)],
            < 16 => FromVocabulary(),
            _ => narrow && rng.Next(2) == 0 ? FromVocabulary() : Hostile(),
        };

        public string Region(bool narrow) => rng.Next(10) switch
        {
            < 4 => Regions[rng.Next(narrow ? 3 : Regions.Length)],
            < 6 => FromVocabulary(),
            < 7 => Variant(Regions[rng.Next(Regions.Length)]),
            _ => narrow && rng.Next(2) == 0 ? FromVocabulary() : Hostile(),
        };

        public string Id() => rng.Next(10) switch
        {
            < 5 => Hex(rng, 32, upper: false),
            5 => Hex(rng, 32, upper: true),
            6 => Hex(rng, rng.Next(2) == 0 ? 31 : 33, upper: false),
            7 => Hex(rng, rng.Next(0, 40) | 1, upper: rng.Next(2) == 0),
            8 => FromVocabulary(),
            _ => Hostile(),
        };

        public string Url()
        {
            if (_urls.Count > 0 && rng.Next(6) == 0)
            {
                return _urls[rng.Next(_urls.Count)]; // one URL on several endpoints
            }

            var url = rng.Next(20) switch
            {
                0 => string.Empty,
                < 5 => OddUrls[rng.Next(OddUrls.Length)],
                5 => "https://" + new string('h', 5000) + ":5001/" + new string('p', rng.Next(5000)),
                6 => FromVocabulary(),
                7 => Hostile(),

                // Unusable URLs are never selected: keep enough usable ones that lookups still find endpoints.
                _ => rng.Next(2) == 0 ? UsableUrl() : ComposedUrl(),
            };
            _urls.Add(url);
            return url;
        }

        private string UsableUrl() =>
            (rng.Next(2) == 0 ? "http://" : "https://") + Hosts[rng.Next(6)] + Ports[rng.Next(12)] + Paths[rng.Next(Paths.Length)];

        private string ComposedUrl()
        {
            var text = new StringBuilder();
            text.Append(Schemes[rng.Next(Schemes.Length)]);
            text.Append(rng.Next(10) == 0 ? new[] { string.Empty, ":", ":/", "//" }[rng.Next(4)] : "://");
            text.Append(Hosts[rng.Next(Hosts.Length)]);
            text.Append(Ports[rng.Next(Ports.Length)]);
            text.Append(Paths[rng.Next(Paths.Length)]);
            if (rng.Next(10) == 0)
            {
                text.Append("?a=b&c");
            }

            if (rng.Next(20) == 0)
            {
                text.Append("#frag");
            }

            return text.ToString();
        }

        /// <summary>Any string a catalog field could hold, short of invalid UTF-16.</summary>
        public string Hostile() => rng.Next(16) switch
        {
            0 => string.Empty,
            1 => Hex(rng, 32, upper: false),
            2 => Hex(rng, 32, upper: true),
            3 => MixedCaseHex(),
            4 => Hex(rng, rng.Next(2) == 0 ? 31 : 33, upper: false),
            5 => Hex(rng, rng.Next(0, 64) | 1, upper: false),
            6 => BreakHex(Hex(rng, 32, upper: false)),
            7 => HostileSamples[rng.Next(HostileSamples.Length)],
            8 => HostileSamples[rng.Next(HostileSamples.Length)],
            9 => WellKnownTypes[rng.Next(WellKnownTypes.Length)],
            10 => Word(),
            11 => UnicodeString(rng.Next(1, 7)),
            12 => rng.Next(4) == 0 ? UnicodeString(5000) : Word(),
            13 => OddUrls[rng.Next(OddUrls.Length)],
            14 => ComposedUrl(),
            _ => FromVocabulary(),
        };

        public EndpointFilter Filter(List<CatalogService> services)
        {
            var withEndpoints = services.Where(s => s.Endpoints.Count > 0).ToList();
            var type = services.Count > 0 && rng.Next(10) < 8
                ? (withEndpoints.Count > 0 && rng.Next(3) > 0 ? withEndpoints[rng.Next(withEndpoints.Count)] : services[rng.Next(services.Count)]).Type
                : rng.Next(2) == 0 ? Type(narrow: true) : Variant(services.Count > 0 ? services[rng.Next(services.Count)].Type : "identity");

            string? region = null;
            var r = rng.Next(20);
            if (r >= 8 && r < 16 && withEndpoints.Count > 0)
            {
                var service = withEndpoints[rng.Next(withEndpoints.Count)];
                var endpoint = service.Endpoints[rng.Next(service.Endpoints.Count)];
                region = rng.Next(2) == 0 ? endpoint.Region : endpoint.RegionId;
            }
            else if (r >= 16)
            {
                region = r < 18 ? string.Empty : Region(narrow: true);
            }

            var n = rng.Next(20);
            var name = n < 11 || services.Count == 0 ? null
                : n < 17 ? services[rng.Next(services.Count)].Name
                : n < 18 ? string.Empty
                : Name(narrow: true);

            var filter = new EndpointFilter(type, (EndpointInterface)rng.Next(3), region, name);
            return rng.Next(10) switch
            {
                < 4 => filter,
                4 => filter with { FallbackInterfaces = [] },
                5 => filter with { FallbackInterfaces = new List<EndpointInterface> { (EndpointInterface)rng.Next(3) } },
                _ => filter with { FallbackInterfaces = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => (EndpointInterface)rng.Next(3)).ToArray() },
            };
        }

        public static string Hex(Random rng, int length, bool upper)
        {
            var digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
            var text = new char[length];
            for (var i = 0; i < length; i++)
            {
                text[i] = digits[rng.Next(16)];
            }

            return new string(text);
        }

        private string MixedCaseHex()
        {
            var text = Hex(rng, 32, upper: false).ToCharArray();
            var at = rng.Next(32);
            text[at] = char.IsAsciiDigit(text[at]) ? 'A' : char.ToUpperInvariant(text[at]);
            return new string(text);
        }

        private string BreakHex(string hex)
        {
            var text = hex.ToCharArray();
            text[rng.Next(text.Length)] = "gG- é\0x"[rng.Next(7)];
            return new string(text);
        }

        /// <summary>A near miss of <paramref name="value"/>: case, white space, one character more or less.</summary>
        private string Variant(string value) => rng.Next(6) switch
        {
            0 => value.ToUpperInvariant(),
            1 => value + " ",
            2 => " " + value,
            3 => value + "x",
            4 => value.Length > 0 ? value[..^1] : "x",
            _ => value.Length > 0 ? char.ToUpperInvariant(value[0]) + value[1..] : "X",
        };

        private string FromVocabulary() => _vocabulary.Count == 0 ? "vocabulary" : _vocabulary[rng.Next(_vocabulary.Count)];

        private string Word()
        {
            const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
            var text = new char[rng.Next(1, 20)];
            for (var i = 0; i < text.Length; i++)
            {
                text[i] = Letters[rng.Next(Letters.Length)];
            }

            return new string(text);
        }

        private string UnicodeString(int units)
        {
            var text = new StringBuilder();
            for (var i = 0; i < units; i++)
            {
                text.Append(UnicodeChars[rng.Next(UnicodeChars.Length)]);
            }

            return text.ToString();
        }

        private string? Nullable(Func<string> value) => rng.Next(10) switch
        {
            < 2 => null,
            2 => string.Empty,
            _ => value(),
        };
    }
}
