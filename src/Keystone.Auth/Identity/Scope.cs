using System.Text.Json;

namespace Keystone.Auth.Identity;

/// <summary>
/// The scope of a token request, as one value: it checks itself, writes its
/// <c>"scope"</c> JSON, adds its part of the cache identity and describes
/// itself for logs. Methods that take a scope share it; the others use
/// <see cref="None"/>, which writes nothing.
/// </summary>
internal sealed class Scope
{
    private enum Kind
    {
        Default,
        Project,
        Domain,
        System,
        Trust,
        Unscoped,
    }

    private readonly Kind _kind;
    private readonly string? _id;
    private readonly string? _name;
    private readonly string? _domainId;
    private readonly string? _domainName;

    private Scope(Kind kind, string? id = null, string? name = null, string? domainId = null, string? domainName = null)
    {
        _kind = kind;
        _id = id;
        _name = name;
        _domainId = domainId;
        _domainName = domainName;
    }

    /// <summary>No scope key: Keystone's default (the user's default project, if any).</summary>
    public static Scope None { get; } = new(Kind.Default);

    /// <summary>The one scope the options ask for; call after <see cref="Check"/> found nothing wrong.</summary>
    public static Scope From(ScopedIdentityOptions o)
    {
        if (Set(o.ProjectId))
        {
            return new Scope(Kind.Project, id: o.ProjectId);
        }

        if (Set(o.ProjectName))
        {
            return new Scope(Kind.Project, name: o.ProjectName, domainId: o.ProjectDomainId, domainName: o.ProjectDomainName);
        }

        if (Set(o.DomainId) || Set(o.DomainName))
        {
            return new Scope(Kind.Domain, id: o.DomainId, name: o.DomainName);
        }

        if (Set(o.TrustId))
        {
            return new Scope(Kind.Trust, id: o.TrustId);
        }

        if (Set(o.SystemScope))
        {
            return new Scope(Kind.System, id: o.SystemScope);
        }

        return o.Unscoped ? new Scope(Kind.Unscoped) : None;
    }

    /// <summary>Adds every scope problem of <paramref name="o"/>, naming the options.</summary>
    public static void Check(ScopedIdentityOptions o, List<string> failures)
    {
        Exclusive(failures, o.ProjectId, o.ProjectName, "ProjectId", "ProjectName");
        if (Set(o.ProjectName) && !Set(o.ProjectId))
        {
            Exclusive(failures, o.ProjectDomainId, o.ProjectDomainName, "ProjectDomainId", "ProjectDomainName");
            if (!Set(o.ProjectDomainId) && !Set(o.ProjectDomainName))
            {
                failures.Add("ProjectName requires ProjectDomainId or ProjectDomainName");
            }
        }

        Exclusive(failures, o.DomainId, o.DomainName, "DomainId", "DomainName");
        if (Set(o.SystemScope) && !string.Equals(o.SystemScope, "all", StringComparison.Ordinal))
        {
            failures.Add($"SystemScope must be 'all' (the only system scope Keystone supports), got '{o.SystemScope}'");
        }

        var scopes = new List<string>();
        if (Set(o.ProjectId) || Set(o.ProjectName))
        {
            scopes.Add("project");
        }

        if (Set(o.DomainId) || Set(o.DomainName))
        {
            scopes.Add("domain");
        }

        if (Set(o.SystemScope))
        {
            scopes.Add("system");
        }

        if (Set(o.TrustId))
        {
            scopes.Add("trust");
        }

        if (o.Unscoped)
        {
            scopes.Add("unscoped");
        }

        if (scopes.Count > 1)
        {
            failures.Add($"Authentication cannot be scoped to multiple targets ({string.Join(", ", scopes)}); pick one of project, domain, system, trust or unscoped");
        }
    }

    /// <summary>Writes the <c>"scope"</c> property of <c>auth</c>, or nothing for the default scope.</summary>
    public void Write(Utf8JsonWriter w)
    {
        switch (_kind)
        {
            case Kind.Project:
                w.WriteStartObject("scope");
                w.WriteStartObject("project");
                if (Set(_id))
                {
                    w.WriteString("id", _id);
                }
                else
                {
                    w.WriteString("name", _name);
                    WriteRef(w, "domain", _domainId, _domainName);
                }

                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case Kind.Domain:
                w.WriteStartObject("scope");
                WriteRef(w, "domain", _id, _name);
                w.WriteEndObject();
                break;
            case Kind.Trust:
                w.WriteStartObject("scope");
                w.WriteStartObject("OS-TRUST:trust");
                w.WriteString("id", _id);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case Kind.System:
                w.WriteStartObject("scope");
                w.WriteStartObject("system");
                w.WriteBoolean("all", true);
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            case Kind.Unscoped:
                w.WriteString("scope", "unscoped");
                break;
        }
    }

    /// <summary>Adds the scope to the cache identity: its kind and every value that names the target.</summary>
    public void AddTo(CacheIdentity id)
    {
        id.Add("scope", _kind.ToString());
        id.Add("scope_id", _id);
        id.Add("scope_name", _name);
        id.Add("scope_domain_id", _domainId);
        id.Add("scope_domain_name", _domainName);
    }

    /// <summary>For logs: which target, never a secret.</summary>
    public string Describe() => _kind switch
    {
        Kind.Project when Set(_id) => $"project id {_id}",
        Kind.Project => $"project {_name}@{_domainName ?? _domainId}",
        Kind.Domain when Set(_id) => $"domain id {_id}",
        Kind.Domain => $"domain {_name}",
        Kind.System => $"system {_id}",
        Kind.Trust => $"trust {_id}",
        Kind.Unscoped => "unscoped",
        _ => "default scope",
    };

    /// <summary>Writes <c>{"id":…}</c> when an id is given, else <c>{"name":…}</c>.</summary>
    internal static void WriteRef(Utf8JsonWriter w, string property, string? id, string? name)
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

    private static void Exclusive(List<string> failures, string? a, string? b, string nameA, string nameB)
    {
        if (Set(a) && Set(b))
        {
            failures.Add($"set {nameA} or {nameB}, not both");
        }
    }
}
