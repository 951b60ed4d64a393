using System.Diagnostics;
using System.Text;

namespace Keystone.Auth;

/// <summary>
/// Settings of the <see cref="PasswordAuth"/> plugin, with the same meaning as
/// keystoneauth's <c>v3.Password</c> arguments and the <c>OS_*</c> variables of an
/// openrc file. The user is given by <see cref="UserId"/>, or by
/// <see cref="Username"/> with <see cref="UserDomainId"/> or
/// <see cref="UserDomainName"/>. At most one scope: project, domain, system,
/// trust, or <see cref="Unscoped"/>; none means Keystone's default scope.
/// </summary>
/// <remarks>
/// Validated before any network call; each failure names the option
/// (see <see cref="PasswordAuthOptionsValidator"/>). <see cref="ToString"/>
/// never shows the password.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class PasswordAuthOptions
{
    /// <summary>
    /// The identity endpoint, e.g. <c>https://10.10.10.2:5001/v3</c>. <c>/v3</c> is
    /// appended when missing; whitespace around it is ignored. Refused: a user or
    /// password in the URL, a query, a <c>/v2.0</c> URL, and the token URL itself
    /// (<c>…/v3/auth/tokens</c>); each message says what to write instead.
    /// </summary>
    public string? AuthUrl { get; set; }

    /// <summary>The user id. Wins over <see cref="Username"/> when both are set.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>The password. Required. Never logged, printed or used as a cache key in clear.</summary>
    public string? Password { get; set; }

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

    /// <summary>Include the service catalog in the token (default true); false adds <c>?nocatalog</c>.</summary>
    public bool IncludeCatalog { get; set; } = true;

    /// <summary>
    /// Deadline of one token request, connect to the last byte of the body
    /// (default 30 s; null also means 30 s). Always finite: the callers of one
    /// identity share its token request, so one that never ended would leave
    /// them all without a token. <see cref="Timeout.InfiniteTimeSpan"/>, zero,
    /// negative values and more than one hour are refused by validation.
    /// </summary>
    public TimeSpan? RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>
    /// The largest token response accepted, in bytes (default 64 MiB: a
    /// central cloud's catalog with thousands of regions is tens of MB).
    /// </summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>The deadline of a token request when <see cref="RequestTimeout"/> is null.</summary>
    internal static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="RequestTimeout"/> accepted.</summary>
    internal static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromHours(1);

    /// <summary>Returns a copy, so later changes to this instance do not affect a plugin.</summary>
    public PasswordAuthOptions Clone() => (PasswordAuthOptions)MemberwiseClone();

    /// <summary>
    /// Reads the standard OpenStack environment variables: <c>OS_AUTH_URL</c>,
    /// <c>OS_USER_ID</c>, <c>OS_USERNAME</c>, <c>OS_PASSWORD</c>,
    /// <c>OS_USER_DOMAIN_ID</c>/<c>_NAME</c>, <c>OS_PROJECT_ID</c>/<c>_NAME</c>,
    /// <c>OS_PROJECT_DOMAIN_ID</c>/<c>_NAME</c>, <c>OS_DOMAIN_ID</c>/<c>_NAME</c>,
    /// <c>OS_SYSTEM_SCOPE</c>, <c>OS_TRUST_ID</c> (also <c>OS_TENANT_*</c> as the
    /// older name of project).
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static PasswordAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        return new PasswordAuthOptions
        {
            AuthUrl = Identity.AuthUrl.Normalize(Get("OS_AUTH_URL")),
            UserId = Get("OS_USER_ID"),
            Username = Get("OS_USERNAME"),
            Password = Get("OS_PASSWORD"),
            UserDomainId = Get("OS_USER_DOMAIN_ID"),
            UserDomainName = Get("OS_USER_DOMAIN_NAME"),
            ProjectId = Get("OS_PROJECT_ID") ?? Get("OS_TENANT_ID"),
            ProjectName = Get("OS_PROJECT_NAME") ?? Get("OS_TENANT_NAME"),
            ProjectDomainId = Get("OS_PROJECT_DOMAIN_ID"),
            ProjectDomainName = Get("OS_PROJECT_DOMAIN_NAME"),
            DomainId = Get("OS_DOMAIN_ID"),
            DomainName = Get("OS_DOMAIN_NAME"),
            SystemScope = Get("OS_SYSTEM_SCOPE"),
            TrustId = Get("OS_TRUST_ID"),
        };
    }

    /// <summary>Describes the identity and scope; the password shows as <c>***</c> (or <c>(none)</c>).</summary>
    public override string ToString()
    {
        var text = new StringBuilder("PasswordAuthOptions { AuthUrl = ").Append(AuthUrl);
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
        text.Append(", Password = ").Append(string.IsNullOrEmpty(Password) ? "(none)" : Diagnostics.Redaction.Redacted);
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

        if (!IncludeCatalog)
        {
            text.Append(", IncludeCatalog = false");
        }

        return text.Append(" }").ToString();
    }

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.Append(", ").Append(name).Append(" = ").Append(value);
        }
    }
}
