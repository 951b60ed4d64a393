using System.Security.Cryptography;

namespace Keystone.Auth.Testing;

internal static class TokenIds
{
    // Shaped like a fernet token (a "gAAAAA" prefix, URL-safe base64, ~180
    // chars) so that code sized or logged for real tokens sees a realistic one;
    // random, so two issued tokens never collide.
    public static string New() =>
        "gAAAAAB" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(132)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    // Keystone's audit ids: 16 random bytes, URL-safe base64 without padding (22 chars).
    public static string NewAuditId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    // What may be shown of a token: never the token, a short hash of it.
    public static string Fingerprint(string token) =>
        "{SHA256}" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), 0, 8).ToLowerInvariant();
}
