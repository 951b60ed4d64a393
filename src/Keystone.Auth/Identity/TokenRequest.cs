using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Keystone.Auth.Identity;

/// <summary>
/// Builds what keystoneauth's <c>v3.Password</c> sends: the token URL and the
/// <c>{"auth":{"identity":...,"scope":...}}</c> body, and the cache fingerprint
/// of the identity. Works on a validated snapshot of the options.
/// </summary>
internal static class TokenRequest
{
    /// <summary><c>{AuthUrl}/v3/auth/tokens</c>, with <c>?nocatalog</c> when the catalog is not wanted.</summary>
    public static Uri TokenUrl(PasswordAuthOptions options) => AuthUrl.TokenUrl(options.AuthUrl, options.IncludeCatalog);

    /// <summary>Writes the request body. The caller clears the buffer after use: it holds the password.</summary>
    public static void WriteBody(PasswordAuthOptions o, IBufferWriter<byte> output)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteStartObject("auth");

        w.WriteStartObject("identity");
        w.WriteStartArray("methods");
        w.WriteStringValue("password");
        w.WriteEndArray();
        w.WriteStartObject("password");
        w.WriteStartObject("user");
        w.WriteString("password", o.Password);
        if (Set(o.UserId))
        {
            w.WriteString("id", o.UserId);
        }
        else
        {
            w.WriteString("name", o.Username);
            WriteRef(w, "domain", o.UserDomainId, o.UserDomainName);
        }

        w.WriteEndObject(); // user
        w.WriteEndObject(); // password
        w.WriteEndObject(); // identity

        if (Set(o.ProjectId))
        {
            w.WriteStartObject("scope");
            w.WriteStartObject("project");
            w.WriteString("id", o.ProjectId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else if (Set(o.ProjectName))
        {
            w.WriteStartObject("scope");
            w.WriteStartObject("project");
            w.WriteString("name", o.ProjectName);
            WriteRef(w, "domain", o.ProjectDomainId, o.ProjectDomainName);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else if (Set(o.DomainId) || Set(o.DomainName))
        {
            w.WriteStartObject("scope");
            WriteRef(w, "domain", o.DomainId, o.DomainName);
            w.WriteEndObject();
        }
        else if (Set(o.TrustId))
        {
            w.WriteStartObject("scope");
            w.WriteStartObject("OS-TRUST:trust");
            w.WriteString("id", o.TrustId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else if (Set(o.SystemScope))
        {
            w.WriteStartObject("scope");
            w.WriteStartObject("system");
            w.WriteBoolean("all", true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        else if (o.Unscoped)
        {
            w.WriteString("scope", "unscoped");
        }

        w.WriteEndObject(); // auth
        w.WriteEndObject();
    }

    /// <summary>
    /// Process-wide random key for the cache fingerprint. With it the
    /// fingerprint is an HMAC, so even a leaked cache key cannot be used to
    /// guess the password offline; cache ids are only ever compared in-process.
    /// </summary>
    private static readonly byte[] s_fingerprintKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>
    /// HMAC-SHA-256 over every field that decides which token Keystone issues,
    /// including the secret, as lowercase hex. Each field is written with its
    /// name and length so that no two different identities can produce the
    /// same input (e.g. "ab"+"c" vs "a"+"bc"). Unlike keystoneauth's cache id it
    /// also covers system scope, unscoped and the catalog flag.
    /// </summary>
    public static string CacheId(PasswordAuthOptions o, Uri tokenUrl)
    {
        var text = new StringBuilder(256);
        Field(text, "v", "keystone.auth/1");
        Field(text, "url", tokenUrl.AbsoluteUri);
        Field(text, "method", "password");
        if (Set(o.UserId))
        {
            Field(text, "user_id", o.UserId);
        }
        else
        {
            Field(text, "username", o.Username);
            Field(text, "user_domain_id", o.UserDomainId);
            Field(text, "user_domain_name", o.UserDomainName);
        }

        Field(text, "project_id", o.ProjectId);
        if (!Set(o.ProjectId))
        {
            Field(text, "project_name", o.ProjectName);
            if (Set(o.ProjectName))
            {
                Field(text, "project_domain_id", o.ProjectDomainId);
                Field(text, "project_domain_name", o.ProjectDomainName);
            }
        }

        Field(text, "domain_id", o.DomainId);
        Field(text, "domain_name", o.DomainName);
        Field(text, "system", o.SystemScope);
        Field(text, "trust_id", o.TrustId);
        Field(text, "unscoped", o.Unscoped ? "1" : "0");
        Field(text, "catalog", o.IncludeCatalog ? "1" : "0");
        Field(text, "password", o.Password);

        var chars = text.ToString();
        var bytes = Encoding.UTF8.GetBytes(chars);
        try
        {
            return Convert.ToHexString(HMACSHA256.HashData(s_fingerprintKey, bytes)).ToLowerInvariant();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static void Field(StringBuilder text, string name, string? value)
    {
        text.Append(name).Append('=');
        if (value is null)
        {
            text.Append("-;");
        }
        else
        {
            text.Append(value.Length).Append(':').Append(value).Append(';');
        }
    }

    private static void WriteRef(Utf8JsonWriter w, string property, string? id, string? name)
    {
        w.WriteStartObject(property);
        if (Set(id))
        {
            w.WriteString("id", id);
        }
        else
        {
            w.WriteString("name", name);
        }

        w.WriteEndObject();
    }

    private static bool Set(string? value) => !string.IsNullOrEmpty(value);
}
