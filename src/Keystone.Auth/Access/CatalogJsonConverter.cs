using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keystone.Auth.Access;

/// <summary>
/// Reads the token's <c>catalog</c> straight into records, leniently per entry:
/// a service or endpoint that is not an object, or has a field of the wrong
/// JSON type (<c>"region": 1</c>), is skipped like an entry with a missing
/// field, instead of failing the whole token. Only <c>catalog</c> itself not
/// being a list is an error.
/// </summary>
/// <remarks>
/// A catalog comes from every region's operators; one odd endpoint of one
/// service must not cost the token that every other service needs.
/// </remarks>
internal sealed class CatalogJsonConverter : JsonConverter<List<CatalogService>>
{
    public override List<CatalogService> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("'catalog' is not a list");
        }

        var services = new List<CatalogService>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject && ReadService(ref reader) is { } service)
            {
                services.Add(service);
            }
            else
            {
                reader.Skip();
            }
        }

        return services;
    }

    public override void Write(Utf8JsonWriter writer, List<CatalogService> value, JsonSerializerOptions options) =>
        throw new NotSupportedException("The catalog is only read.");

    /// <summary>Reads one service object (the reader ends on its EndObject); null when it is unusable.</summary>
    private static CatalogService? ReadService(ref Utf8JsonReader reader)
    {
        string? type = null, name = null, id = null;
        List<CatalogEndpoint>? endpoints = null;
        var usable = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                usable &= ReadString(ref reader, out type);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                usable &= ReadString(ref reader, out name);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                usable &= ReadString(ref reader, out id);
            }
            else if (reader.ValueTextEquals("endpoints"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    endpoints = ReadEndpoints(ref reader);
                }
                else
                {
                    usable &= reader.TokenType == JsonTokenType.Null;
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // A service without a type can never be selected.
        return usable && type is { Length: > 0 } ? new CatalogService(type, name, id, endpoints ?? []) : null;
    }

    private static List<CatalogEndpoint> ReadEndpoints(ref Utf8JsonReader reader)
    {
        var endpoints = new List<CatalogEndpoint>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? id = null, @interface = null, region = null, regionId = null, url = null;
            var usable = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    usable &= ReadString(ref reader, out id);
                }
                else if (reader.ValueTextEquals("interface"u8))
                {
                    usable &= ReadString(ref reader, out @interface);
                }
                else if (reader.ValueTextEquals("region"u8))
                {
                    usable &= ReadString(ref reader, out region);
                }
                else if (reader.ValueTextEquals("region_id"u8))
                {
                    usable &= ReadString(ref reader, out regionId);
                }
                else if (reader.ValueTextEquals("url"u8))
                {
                    usable &= ReadString(ref reader, out url);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (usable)
            {
                endpoints.Add(new CatalogEndpoint(id, @interface ?? string.Empty, region, regionId, url ?? string.Empty));
            }
        }

        return endpoints;
    }

    /// <summary>Reads the value after a property name: a string or null is fine, anything else is skipped and false.</summary>
    private static bool ReadString(ref Utf8JsonReader reader, out string? value)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return true;
            case JsonTokenType.Null:
                value = null;
                return true;
            default:
                value = null;
                reader.Skip();
                return false;
        }
    }
}
