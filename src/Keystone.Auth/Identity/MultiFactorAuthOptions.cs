using System.Diagnostics;
using System.Text;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="MultiFactorAuth"/> (keystoneauth's
/// <c>v3.MultiFactor</c> with <c>auth_methods = [v3password, v3totp]</c>,
/// <c>v3multifactor</c>): the user, its <see cref="Password"/> and exactly one
/// TOTP passcode source, sent together in one request, and a scope as for a password.
/// </summary>
public sealed class MultiFactorAuthOptions : UserIdentityOptions
{
    /// <summary>The password. Required. Never logged, printed, serialized or used as a cache key in clear.</summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Password { get; set; }

    /// <summary>A fixed passcode (<c>OS_PASSCODE</c>) for one sign-in only (as <see cref="TotpAuthOptions.Passcode"/>).</summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Passcode { get; set; }

    /// <summary>
    /// Reads what <see cref="PasswordAuthOptions.FromEnvironment"/> reads, plus <c>OS_PASSCODE</c>.
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static new MultiFactorAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new MultiFactorAuthOptions();
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
        PasscodeSource.Check(failures, nameof(MultiFactorAuthOptions), Passcode, TotpSecret, PasscodeProvider, required: true, StableCacheId);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        AppendUser(text);
        AppendSecret(text, nameof(Password), Password);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, Passcode);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        ReadUserEnvironment(get);
        Password = get("OS_PASSWORD") ?? Password;
        Passcode = get("OS_PASSCODE") ?? Passcode;
    }
}
