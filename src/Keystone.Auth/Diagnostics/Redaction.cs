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

    /// <summary>
    /// <paramref name="uri"/> without its userinfo (<c>user:password@</c>), the
    /// rest unchanged. Every URL the library logs, tags or puts in an exception
    /// goes through this: a catalog or auth URL may carry credentials.
    /// </summary>
    public static Uri? Url(Uri? uri)
    {
        if (uri is null)
        {
            return null;
        }

        if (!uri.IsAbsoluteUri)
        {
            // A relative reference may still be scheme-relative ("//u:p@host/x").
            var text = Url(uri.OriginalString);
            return ReferenceEquals(text, uri.OriginalString) ? uri
                : Uri.TryCreate(text, UriKind.Relative, out var relative) ? relative
                : null;
        }

        if (uri.UserInfo.Length == 0 && !uri.OriginalString.Contains('@', StringComparison.Ordinal))
        {
            return uri;
        }

        return new Uri(uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped), UriKind.Absolute);
    }

    /// <summary>The text of <paramref name="uri"/> without its userinfo; for log arguments.</summary>
    public static string? UrlText(Uri? uri) => Url(uri)?.ToString();

    /// <summary>
    /// A URL as text without its userinfo: whatever sits between <c>//</c> and the
    /// last <c>@</c> of the authority is dropped. Text that is not a URL comes back unchanged.
    /// </summary>
    public static string? Url(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        var slashes = url.IndexOf("//", StringComparison.Ordinal);
        if (slashes < 0)
        {
            return url;
        }

        // Only a "scheme:" (or nothing: scheme-relative) may precede the authority.
        var before = url.AsSpan(0, slashes);
        if (before.Length > 0 && (before[^1] != ':' || before[..^1].IndexOfAny(':', '/', '?') >= 0 || before[..^1].Contains('#')))
        {
            return url;
        }

        var start = slashes + 2;
        var length = url.AsSpan(start).IndexOfAny("/?#\\");
        var authority = length < 0 ? url.AsSpan(start) : url.AsSpan(start, length);
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, start), url.AsSpan(start + at + 1));
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
