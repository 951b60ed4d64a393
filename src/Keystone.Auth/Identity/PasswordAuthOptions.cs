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
/// (and by DI at start-up). <see cref="KeystoneIdentityOptions.ToString"/>
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

    /// <summary>
    /// A second factor for users with MFA rules (e.g. <c>[password, totp]</c>):
    /// the base32 secret of the user's TOTP credential. When Keystone answers the
    /// password with an auth receipt asking for <c>totp</c>, the plugin continues
    /// with the passcode computed now (one more POST). Optional; never logged,
    /// printed or serialized. <see cref="MultiFactorAuth"/> sends both in one POST.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? TotpSecret { get; set; }

    /// <summary>
    /// As <see cref="TotpSecret"/>, but the passcode of the receipt continuation
    /// is asked from this provider. Set at most one of the two.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public Func<CancellationToken, ValueTask<string>>? PasscodeProvider { get; set; }

    /// <summary>Returns a copy, so later changes to this instance do not affect a plugin.</summary>
    internal PasswordAuthOptions Clone() => (PasswordAuthOptions)MemberwiseClone();

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
        PasscodeSource.Check(failures, nameof(PasswordAuthOptions), null, TotpSecret, PasscodeProvider, required: false, StableCacheId, passcodeAllowed: false);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
        AppendSecret(text, nameof(Password), Password);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, null);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        Password = get("OS_PASSWORD") ?? Password;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
        TotpSecret = get("OS_TOTP_SECRET") ?? TotpSecret;
    }
}
