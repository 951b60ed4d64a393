using System.Diagnostics;
using System.Text;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of the <see cref="PasswordAuth"/> plugin, with the same meaning as
/// keystoneauth's <c>v3.Password</c> arguments and the <c>OS_*</c> variables of an
/// openrc file. The user is given by <see cref="UserId"/>, or by
/// <see cref="Username"/> with <see cref="UserDomainId"/> or
/// <see cref="UserDomainName"/>. At most one scope: project, domain, system,
/// trust, or <see cref="ScopedIdentityOptions.Unscoped"/>; none means Keystone's default scope.
/// </summary>
/// <remarks>
/// Validated before any network call; each failure names the option
/// (see <see cref="PasswordAuthOptionsValidator"/>). <see cref="KeystoneIdentityOptions.ToString"/>
/// never shows the password. The endpoint, limits and scope are those of the
/// base classes, shared with the other methods.
/// </remarks>
public sealed class PasswordAuthOptions : ScopedIdentityOptions
{
    /// <summary>The user id. Wins over <see cref="Username"/> when both are set.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>The password. Required. Never logged, printed or used as a cache key in clear; skipped by System.Text.Json and the debugger.</summary>
    [System.Text.Json.Serialization.JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Password { get; set; }

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
    public static new PasswordAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new PasswordAuthOptions();
        options.ReadEnvironment(getVariable ?? Environment.GetEnvironmentVariable);
        return options;
    }

    private protected override void CheckMethod(List<string> failures)
    {
        if (!IsSet(Password))
        {
            failures.Add("Password is required");
        }

        UserRef.Check(failures, UserId, Username, UserDomainId, UserDomainName, required: true);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
        AppendSecret(text, nameof(Password), Password);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        Password = get("OS_PASSWORD") ?? Password;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
    }
}
