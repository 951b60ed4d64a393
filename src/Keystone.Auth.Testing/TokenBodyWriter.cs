using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keystone.Auth.Testing;

// Writes the token body field by field with Utf8JsonWriter: no reflection (the
// package stays trimming- and AOT-safe) and the field order of Keystone's own
// answers, so a diff against a captured response reads naturally.
internal static class TokenBodyWriter
{
    public static string Write(TokenShape s, DateTimeOffset issued, DateTimeOffset expires, string[] auditIds)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteStartObject("token");
            w.WriteStartArray("methods");
            foreach (var m in s.Methods ?? DefaultMethods(s))
            {
                w.WriteStringValue(m);
            }

            w.WriteEndArray();
            WriteUser(w, s);
            w.WriteStartArray("audit_ids");
            foreach (var id in auditIds)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteString("expires_at", Timestamp(expires));
            w.WriteString("issued_at", Timestamp(issued));
            WriteScope(w, s);
            if (s.IsScoped())
            {
                w.WriteStartArray("roles");
                foreach (var r in s.Roles)
                {
                    WriteNamed(w, null, r);
                }

                w.WriteEndArray();
            }

            if (s.ApplicationCredential is { } ac)
            {
                w.WriteStartObject("application_credential");
                w.WriteString("id", ac.Id);
                WriteOptional(w, "name", ac.Name);
                w.WriteBoolean("restricted", ac.Restricted);
                w.WriteEndObject();
            }

            if (s.IncludeCatalog && s.IsScoped())
            {
                WriteCatalog(w, s.Services);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // Keystone's own format: microseconds and a Z.
    internal static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static bool IsScoped(this TokenShape s) => s.Project is not null || s.Domain is not null || s.System is not null || s.Trust is not null;

    private static string[] DefaultMethods(TokenShape s) =>
        s.ApplicationCredential is not null ? ["application_credential"]
        : s.Federation is { } f ? [f.ProtocolId]
        : ["password"];

    private static void WriteUser(Utf8JsonWriter w, TokenShape s)
    {
        w.WriteStartObject("user");
        w.WriteString("id", s.User.Id);
        WriteOptional(w, "name", s.User.Name);
        WriteNamed(w, "domain", s.User.Domain);
        w.WriteNull("password_expires_at");
        if (s.Federation is { } f)
        {
            w.WriteStartObject("OS-FEDERATION");
            w.WriteStartObject("identity_provider");
            w.WriteString("id", f.IdentityProviderId);
            w.WriteEndObject();
            w.WriteStartObject("protocol");
            w.WriteString("id", f.ProtocolId);
            w.WriteEndObject();
            w.WriteStartArray("groups");
            foreach (var g in f.GroupIds)
            {
                w.WriteStartObject();
                w.WriteString("id", g);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteScope(Utf8JsonWriter w, TokenShape s)
    {
        if (s.Project is { } p)
        {
            w.WriteStartObject("project");
            w.WriteString("id", p.Id);
            WriteOptional(w, "name", p.Name);
            WriteNamed(w, "domain", p.Domain);
            w.WriteEndObject();
            w.WriteBoolean("is_domain", false);
        }

        if (s.Domain is { } d)
        {
            WriteNamed(w, "domain", d);
        }

        if (s.System is { } system)
        {
            w.WriteStartObject("system");
            w.WriteBoolean(system, true);
            w.WriteEndObject();
        }

        if (s.Trust is { } t)
        {
            w.WriteStartObject("OS-TRUST:trust");
            w.WriteString("id", t.Id);
            w.WriteBoolean("impersonation", t.Impersonation);
            w.WriteStartObject("trustee_user");
            w.WriteString("id", t.TrusteeUserId);
            w.WriteEndObject();
            w.WriteStartObject("trustor_user");
            w.WriteString("id", t.TrustorUserId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    private static void WriteCatalog(Utf8JsonWriter w, ServiceShape[] services)
    {
        w.WriteStartArray("catalog");
        foreach (var service in services)
        {
            w.WriteStartObject();
            w.WriteStartArray("endpoints");
            foreach (var e in service.Endpoints)
            {
                w.WriteStartObject();
                w.WriteString("id", e.Id);
                w.WriteString("interface", e.Interface);
                w.WriteString("region_id", e.Region);
                w.WriteString("url", e.Url);
                w.WriteString("region", e.Region);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("id", service.Id);
            w.WriteString("type", service.Type);
            WriteOptional(w, "name", service.Name);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNamed(Utf8JsonWriter w, string? property, NamedShape n)
    {
        if (property is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(property);
        }

        w.WriteString("id", n.Id);
        WriteOptional(w, "name", n.Name);
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string property, string? value)
    {
        if (value is not null)
        {
            w.WriteString(property, value);
        }
    }
}
