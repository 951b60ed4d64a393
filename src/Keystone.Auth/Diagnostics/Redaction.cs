using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.Diagnostics;

/// <summary>
/// Turns secrets into something safe to print. A token is shown as
/// <c>{SHA256}</c> plus the first 16 hex digits of its hash: enough to tell two
/// tokens apart in a log, useless to an attacker.
/// </summary>
internal static class Redaction
{
    internal const string Redacted = "***";

    /// <summary>The headers whose values are credentials (keystoneauth hashes the same set).</summary>
    private static readonly string[] s_secretHeaders = ["X-Auth-Token", "X-Subject-Token", "X-Service-Token", "Authorization"];

    public static string Fingerprint(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "(none)";
        }

        Span<byte> hash = stackalloc byte[32];
        var byteCount = Encoding.UTF8.GetByteCount(token);
        byte[] bytes = new byte[byteCount];
        Encoding.UTF8.GetBytes(token, bytes);
        SHA256.HashData(bytes, hash);
        return "{SHA256}" + Convert.ToHexString(hash[..8]).ToLowerInvariant();
    }

    public static bool IsSecretHeader(string name)
    {
        foreach (var secret in s_secretHeaders)
        {
            if (string.Equals(secret, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
