using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keystone.Auth.Tests;

/// <summary>Deep comparison of records and the catalog JSON read independently of the parser.</summary>
public sealed partial class CatalogEncodingTests
{
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
}
