using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keystone.Auth.Access;

// The wire shape of a Keystone v3 token response. Only what AccessInfo exposes
// is mapped; unknown fields are skipped. Types are loose (nullable everywhere)
// so that a missing field becomes a clear InvalidResponseException raised by
// TokenResponseReader, not a serializer error about a constructor. The catalog
// is read by CatalogJsonConverter, which skips bad entries one by one.

internal sealed class TokenResponseDto
{
    [JsonPropertyName("token")]
    public TokenDto? Token { get; set; }
}

internal sealed class TokenDto
{
    [JsonPropertyName("expires_at")]
    public string? ExpiresAt { get; set; }

    [JsonPropertyName("issued_at")]
    public string? IssuedAt { get; set; }

    [JsonPropertyName("methods")]
    public List<string>? Methods { get; set; }

    [JsonPropertyName("user")]
    public ScopedRefDto? User { get; set; }

    [JsonPropertyName("project")]
    public ScopedRefDto? Project { get; set; }

    [JsonPropertyName("domain")]
    public RefDto? Domain { get; set; }

    [JsonPropertyName("system")]
    public JsonElement? System { get; set; }

    [JsonPropertyName("OS-TRUST:trust")]
    public RefDto? Trust { get; set; }

    [JsonPropertyName("roles")]
    public List<RefDto>? Roles { get; set; }

    [JsonPropertyName("audit_ids")]
    public List<string>? AuditIds { get; set; }

    [JsonPropertyName("catalog")]
    [JsonConverter(typeof(CatalogJsonConverter))]
    public List<CatalogService>? Catalog { get; set; }
}

internal sealed class RefDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

internal sealed class ScopedRefDto
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("domain")]
    public RefDto? Domain { get; set; }
}

/// <summary>Source-generated (reflection-free, trimming-safe) serializer metadata.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(TokenResponseDto))]
internal sealed partial class TokenJsonContext : JsonSerializerContext
{
}
