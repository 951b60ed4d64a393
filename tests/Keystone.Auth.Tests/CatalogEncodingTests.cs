using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Keystone.Auth.Tests;

/// <summary>
/// Pins, through the public API only, what <see cref="ServiceCatalog"/> gives
/// back and which endpoint it selects, so that a change of its internal storage
/// (packed UTF-8 strings, packed hex ids, split and shared URLs, a memo of the
/// last lookup) cannot alter a single value or match: random round trips with
/// hostile strings, lookups against a reference matcher written from
/// keystoneauth's code (service-type aliases included), the API-reference token vectors,
/// lookups repeated, interleaved and concurrent, and an allocation-free
/// repeated lookup. Every random case is seeded and reproducible.
/// </summary>
public sealed partial class CatalogEncodingTests(ITestOutputHelper output)
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
    public void Invalid_utf16_is_refused_in_every_field_and_its_replacement_character_is_kept()
    {
        // Valid .NET strings that UTF-8 cannot carry: an encoder that goes
        // through Encoding.UTF8 turns each lone surrogate into U+FFFD, and a
        // lookup for the original would then silently miss. Refused instead.
        string[] invalid = ["\uD800", "a\uDC00b", "\uDBFF", "\uDC00\uD83D", "x\uD83D"];
        foreach (var v in invalid)
        {
            CatalogService[][] cases =
            [
                [new(v, null, null, [])],
                [new("t", v, null, [])],
                [new("t", null, v, [])],
                [new("t", null, null, [new(v, "public", null, null, "http://h")])],
                [new("t", null, null, [new(null, v, null, null, "http://h")])],
                [new("t", null, null, [new(null, "public", v, null, "http://h")])],
                [new("t", null, null, [new(null, "public", null, v, "http://h")])],
                [new("t", null, null, [new(null, "public", null, null, "http://h/" + v)])],
                [new("t", null, null, [new(null, "public", null, null, "http://" + v + ":80/")])],
            ];
            foreach (var services in cases)
            {
                Assert.Throws<ArgumentException>(() => new ServiceCatalog(services));
            }
        }

        // What UTF-8 can carry stays exactly as written, U+FFFD included.
        string[] values = ["\uFFFD", "a\uFFFDb", "?", "a?b", "\uD83D\uDE00", string.Empty];
        var kept = values
            .Select(v => new CatalogService(v, v, v, [new(v, "public", v, v, "http://h/" + v), new(v, "admin", null, v, v)]))
            .ToList();
        var catalog = new ServiceCatalog(kept);
        AssertSameServices(kept, catalog.Services);
        AssertLookupsMatchEverywhere(kept, catalog);
    }

    [Fact]
    public void Exported_bytes_using_parts_of_the_older_form_are_refused()
    {
        // The older form had a UTF-16 tag (3), a well-known-word tag (5) and
        // three "same as before" flags (bits 3-5). A reader that took them as
        // anything else would build a wrong catalog; they must give "no".
        var bytes = new ServiceCatalog([new("t", null, null, [new(null, "public", "r", "r", "http://h:1/x")])]).EncodedData.ToArray();
        Assert.NotNull(ServiceCatalog.FromEncoded(bytes, 1));
        const int TypeTag = 4, FirstFlags = 4 + 3 + 2 + 1 + 1; // skip:4, type "t" (tag, len, 't'), name, id, count

        foreach (var tag in new byte[] { 3, 5 })
        {
            var copy = bytes.ToArray();
            copy[TypeTag] = tag;
            Assert.Null(ServiceCatalog.FromEncoded(copy, 1));
        }

        Assert.Equal(0, bytes[FirstFlags]); // public, no text, usable URL
        foreach (var flag in new byte[] { 1 << 3, 1 << 4, 1 << 5, 1 << 7 })
        {
            var copy = bytes.ToArray();
            copy[FirstFlags] |= flag;
            Assert.Null(ServiceCatalog.FromEncoded(copy, 1));
        }
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
    public void Filters_that_differ_only_in_case_or_null_versus_empty_are_told_apart()
    {
        CatalogService[] services =
        [
            new("identity", null, null, [new(null, "public", null, null, "http://null-name")]),
            new("identity", string.Empty, string.Empty, [new(string.Empty, "public", string.Empty, string.Empty, "http://empty-name")]),
            new("identity", "Keystone", null, [new(null, "public", "RegionOne", null, "http://upper-keystone")]),
            new("identity", "keystone", null, [new(null, "public", "regionone", "RegionOne", "http://lower-keystone")]),
            new("Identity", "keystone", null, [new(null, "public", "RegionOne", "RegionOne", "http://upper-identity")]),
            new("identity", "keystone", null, [new(null, "admin", string.Empty, string.Empty, "http://empty-region")]),
        ];
        var catalog = new ServiceCatalog(services);

        // Empty name or region means any (keystoneauth); nameless services match any name.
        (EndpointFilter Filter, string? Url)[] cases =
        [
            (new("identity"), "http://null-name"),
            (new("identity", ServiceName: string.Empty), "http://null-name"),
            (new("identity", RegionName: string.Empty), "http://null-name"),
            (new("identity", RegionName: "RegionOne"), "http://upper-keystone"),
            (new("identity", RegionName: "regionone"), null),
            (new("identity", ServiceName: "keystone"), "http://null-name"),
            (new("identity", RegionName: "RegionOne", ServiceName: "keystone"), "http://lower-keystone"),
            (new("identity", RegionName: "RegionOne", ServiceName: "Keystone"), "http://upper-keystone"),
            (new("identity", RegionName: "RegionOne", ServiceName: string.Empty), "http://upper-keystone"),
            (new("identity", RegionName: "regionone", ServiceName: "keystone"), null),
            (new("Identity"), "http://upper-identity"),
            (new("identity "), null),
            (new("identity", EndpointInterface.Admin), "http://empty-region"),
            (new("identity", EndpointInterface.Admin, string.Empty), "http://empty-region"),
            (new("identity", EndpointInterface.Admin, "RegionOne"), null),
            (new("identity", EndpointInterface.Admin, "RegionOne") { FallbackInterfaces = [EndpointInterface.Public] }, "http://upper-keystone"),
            (new("identity", EndpointInterface.Admin, "RegionOne") { FallbackInterfaces = [] }, null),
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
}
