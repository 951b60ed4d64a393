using System.Diagnostics;
using System.Text;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of the <see cref="PasswordAuth"/> plugin, with the same meaning as
/// keystoneauth's <c>v3.Password</c> arguments and the <c>OS_*</c> variables of an
/// openrc file. The user is given by <see cref="UserIdentityOptions.UserId"/>, or by
/// <see cref="UserIdentityOptions.Username"/> with <see cref="UserIdentityOptions.UserDomainId"/> or
/// <see cref="UserIdentityOptions.UserDomainName"/>. At most one scope: project, domain, system,
/// trust, or <see cref="ScopedIdentityOptions.Unscoped"/>; none means Keystone's default scope.
/// </summary>
/// <remarks>
/// Validated before any network call; each failure names the option
/// (and by DI at start-up). <see cref="KeystoneIdentityOptions.ToString"/>
/// never shows the password. The endpoint, limits and scope are those of the
/// base classes, shared with the other methods. For a user with MFA rules
/// (e.g. <c>[password, totp]</c>), set <see cref="UserIdentityOptions.TotpSecret"/> or
/// <see cref="UserIdentityOptions.PasscodeProvider"/>: when Keystone answers the
/// password with an auth receipt asking for <c>totp</c>, the plugin continues
/// with the passcode (one more POST); <see cref="MultiFactorAuth"/> sends both
/// in one POST.
/// </remarks>
public sealed class PasswordAuthOptions : UserIdentityOptions
{
    /// <summary>The password. Required. Never logged, printed or used as a cache key in clear; skipped by System.Text.Json and the debugger.</summary>
    [System.Text.Json.Serialization.JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Password { get; set; }

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

        CheckUser(failures);
        PasscodeSource.Check(failures, nameof(PasswordAuthOptions), null, TotpSecret, PasscodeProvider, required: false, StableCacheId, passcodeAllowed: false);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        AppendUser(text);
        AppendSecret(text, nameof(Password), Password);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, null);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        ReadUserEnvironment(get);
        Password = get("OS_PASSWORD") ?? Password;
    }
}
