using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keystone.Auth.Access;

/// <summary>
/// What a generic JSON serializer writes for an <see cref="AccessInfo"/>: the
/// facts a log or a diagnostics dump wants (user, scope, roles, times, the token
/// fingerprint), never the token. Reading one back is refused: the explicit,
/// lossless form is <see cref="AccessInfo.Export"/>/<see cref="AccessInfo.Import"/>.
/// </summary>
/// <remarks>
/// Why a converter and not only <see cref="JsonIgnoreAttribute"/> on the token: the
/// token is a C# <c>required</c> member, which System.Text.Json refuses to ignore
/// (it throws while building the contract), so every serialization would fail.
/// A converter on the type is used by reflection and by source-generated
/// contexts alike, whatever the options (IncludeFields, naming policy).
/// </remarks>
internal sealed class AccessInfoJsonConverter : JsonConverter<AccessInfo>
{
    public override AccessInfo Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("An AccessInfo is not read from JSON; store one with AccessInfo.Export and read it with AccessInfo.Import.");

    public override void Write(Utf8JsonWriter writer, AccessInfo value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Name(nameof(AccessInfo.TokenFingerprint), options), value.TokenFingerprint);
        writer.WriteString(Name(nameof(AccessInfo.ExpiresAt), options), value.ExpiresAt);
        if (value.IssuedAt is { } issued)
        {
            writer.WriteString(Name(nameof(AccessInfo.IssuedAt), options), issued);
        }

        writer.WriteString(Name(nameof(AccessInfo.LocalExpiresAt), options), value.LocalExpiresAt);
        WriteStrings(writer, Name(nameof(AccessInfo.Methods), options), value.Methods);
        if (value.User is { } user)
        {
            writer.WriteStartObject(Name(nameof(AccessInfo.User), options));
            WriteRef(writer, options, user.Id, user.Name, user.DomainId, user.DomainName);
            writer.WriteEndObject();
        }

        if (value.Project is { } project)
        {
            writer.WriteStartObject(Name(nameof(AccessInfo.Project), options));
            WriteRef(writer, options, project.Id, project.Name, project.DomainId, project.DomainName);
            writer.WriteEndObject();
        }

        if (value.Domain is { } domain)
        {
            writer.WriteStartObject(Name(nameof(AccessInfo.Domain), options));
            WriteRef(writer, options, domain.Id, domain.Name, null, null);
            writer.WriteEndObject();
        }

        if (value.SystemScope is { } system)
        {
            writer.WriteString(Name(nameof(AccessInfo.SystemScope), options), system);
        }

        if (value.TrustId is { } trust)
        {
            writer.WriteString(Name(nameof(AccessInfo.TrustId), options), trust);
        }

        WriteStrings(writer, Name(nameof(AccessInfo.Roles), options), value.Roles.Select(r => r.Name));
        WriteStrings(writer, Name(nameof(AccessInfo.AuditIds), options), value.AuditIds);
        writer.WriteNumber(Name("CatalogServices", options), value.Catalog.ServiceCount);
        writer.WriteEndObject();
    }

    private static void WriteRef(Utf8JsonWriter writer, JsonSerializerOptions options, string? id, string? name, string? domainId, string? domainName)
    {
        writer.WriteString(Name("Id", options), id);
        writer.WriteString(Name("Name", options), name);
        if (domainId is not null || domainName is not null)
        {
            writer.WriteString(Name("DomainId", options), domainId);
            writer.WriteString(Name("DomainName", options), domainName);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static string Name(string name, JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(name) ?? name;
}
