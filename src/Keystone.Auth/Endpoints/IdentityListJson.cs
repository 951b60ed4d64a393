using System.Text.Json.Serialization;

namespace Keystone.Auth.Endpoints;

// The wire shape of Keystone's region, service and endpoint lists. Every field
// is nullable: an entry without what the map needs is skipped by the reader,
// while a value of the wrong JSON type fails the whole answer (JsonException,
// turned into InvalidResponseException), because a list we cannot read fully
// must not become a map that silently lacks regions.

internal sealed class RegionListDto
{
    [JsonPropertyName("regions")]
    public List<RegionDto?>? Regions { get; set; }

    [JsonPropertyName("truncated")]
    public bool? Truncated { get; set; }
}

internal sealed class RegionDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("parent_region_id")]
    public string? ParentRegionId { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }
}

internal sealed class ServiceListDto
{
    [JsonPropertyName("services")]
    public List<ServiceDto?>? Services { get; set; }

    [JsonPropertyName("truncated")]
    public bool? Truncated { get; set; }
}

internal sealed class ServiceDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }
}

internal sealed class EndpointListDto
{
    [JsonPropertyName("endpoints")]
    public List<EndpointDto?>? Endpoints { get; set; }

    [JsonPropertyName("truncated")]
    public bool? Truncated { get; set; }
}

internal sealed class EndpointDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("service_id")]
    public string? ServiceId { get; set; }

    [JsonPropertyName("interface")]
    public string? Interface { get; set; }

    [JsonPropertyName("region_id")]
    public string? RegionId { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }

    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }
}

[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(RegionListDto))]
[JsonSerializable(typeof(ServiceListDto))]
[JsonSerializable(typeof(EndpointListDto))]
internal sealed partial class IdentityListJsonContext : JsonSerializerContext
{
}
