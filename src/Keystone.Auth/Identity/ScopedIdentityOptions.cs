using System.Text;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Options of an auth method that takes a scope (password, token): at most
/// one of project, domain, system, trust or <see cref="Unscoped"/>; none means
/// Keystone's default scope. The scope is read, checked, written and
/// fingerprinted in one place (the internal <c>Scope</c>), whatever the method.
/// </summary>
public abstract class ScopedIdentityOptions : KeystoneIdentityOptions
{
    private protected ScopedIdentityOptions()
    {
    }

    /// <summary>Scope to the project with this id.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Scope to the project with this name; needs <see cref="ProjectDomainId"/> or <see cref="ProjectDomainName"/>.</summary>
    public string? ProjectName { get; set; }

    /// <summary>The id of the project's domain (with <see cref="ProjectName"/>).</summary>
    public string? ProjectDomainId { get; set; }

    /// <summary>The name of the project's domain (with <see cref="ProjectName"/>).</summary>
    public string? ProjectDomainName { get; set; }

    /// <summary>Scope to the domain with this id.</summary>
    public string? DomainId { get; set; }

    /// <summary>Scope to the domain with this name.</summary>
    public string? DomainName { get; set; }

    /// <summary>Scope to the system; the only value Keystone accepts is <c>all</c>.</summary>
    public string? SystemScope { get; set; }

    /// <summary>Scope to this trust (<c>OS-TRUST:trust</c>).</summary>
    public string? TrustId { get; set; }

    /// <summary>Ask explicitly for an unscoped token (scope <c>"unscoped"</c>), ignoring the user's default project.</summary>
    public bool Unscoped { get; set; }

    private protected override void CheckScope(List<string> failures) => Scope.Check(this, failures);

    private protected override void ReadScopeEnvironment(Func<string, string?> get)
    {
        ProjectId = get("OS_PROJECT_ID") ?? get("OS_TENANT_ID") ?? ProjectId;
        ProjectName = get("OS_PROJECT_NAME") ?? get("OS_TENANT_NAME") ?? ProjectName;
        ProjectDomainId = get("OS_PROJECT_DOMAIN_ID") ?? ProjectDomainId;
        ProjectDomainName = get("OS_PROJECT_DOMAIN_NAME") ?? ProjectDomainName;
        DomainId = get("OS_DOMAIN_ID") ?? DomainId;
        DomainName = get("OS_DOMAIN_NAME") ?? DomainName;
        SystemScope = get("OS_SYSTEM_SCOPE") ?? SystemScope;
        TrustId = get("OS_TRUST_ID") ?? TrustId;
    }

    /// <summary>Appends the scope fields after the method's own.</summary>
    private protected void AppendScope(StringBuilder text)
    {
        Append(text, nameof(ProjectId), ProjectId);
        Append(text, nameof(ProjectName), ProjectName);
        Append(text, nameof(ProjectDomainId), ProjectDomainId);
        Append(text, nameof(ProjectDomainName), ProjectDomainName);
        Append(text, nameof(DomainId), DomainId);
        Append(text, nameof(DomainName), DomainName);
        Append(text, nameof(SystemScope), SystemScope);
        Append(text, nameof(TrustId), TrustId);
        if (Unscoped)
        {
            text.Append(", Unscoped = true");
        }
    }
}
