using System.Text.Json;

namespace Keystone.Auth.Testing;

// Reads what the fake needs from a token request body, with JsonDocument (no
// reflection). A body that is not the expected shape yields nothing, so the
// fake still answers and the test's own assertions say what was wrong.
internal static class TokenRequestReader
{
    public static IReadOnlyList<string> Methods(string? body)
    {
        if (Identity(body) is not { } identity
            || !identity.TryGetProperty("methods", out var methods) || methods.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. methods.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)];
    }

    public static string? Password(string? body) =>
        Identity(body) is { } identity
        && identity.TryGetProperty("password", out var password) && password.ValueKind == JsonValueKind.Object
        && password.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
        && user.TryGetProperty("password", out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonElement? Identity(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.Object
                && auth.TryGetProperty("identity", out var identity) && identity.ValueKind == JsonValueKind.Object
                    ? identity.Clone()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
