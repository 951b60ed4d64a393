using System.Text;
using Xunit.Sdk;

namespace Keystone.Auth.Tests;

/// <summary>Seeds, repeated strings and the random catalog and filter generator.</summary>
public sealed partial class CatalogEncodingTests
{
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
            // The first four (narrow catalogs) include an alias family, so that lookups often meet several matching types.
            "identity", "volume", "block-storage", "volumev3", "compute", "image", "volumev2", "network", "object-store", "orchestration",
            "placement", "platform", "dcmanager", "patching", "fm", "nfv", "usm", "key-manager", "smapi", "metric", "load-balancer", "ec2",
            "cloudformation", "block-store", "sharev2", "shared-file-system", "share", "workflow", "workflowv2",
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
