using System.Diagnostics;
using System.Text;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="TotpAuth"/> (keystoneauth's <c>v3.TOTP</c>,
/// <c>v3totp</c>): the user (<see cref="UserIdentityOptions.UserId"/>, or <see cref="UserIdentityOptions.Username"/>
/// with <see cref="UserIdentityOptions.UserDomainId"/> or <see cref="UserIdentityOptions.UserDomainName"/>), a scope as
/// for a password, and exactly one passcode source: <see cref="UserIdentityOptions.TotpSecret"/>
/// (computed at each request, for a service that signs in unattended),
/// <see cref="UserIdentityOptions.PasscodeProvider"/>, or a one-shot <see cref="Passcode"/>.
/// </summary>
public sealed class TotpAuthOptions : UserIdentityOptions
{
    /// <summary>
    /// A fixed passcode (<c>OS_PASSCODE</c>), for one sign-in only: after a token
    /// has been issued with it the plugin cannot sign in again (a typed error, no
    /// request), and its token is cached for this plugin alone.
    /// </summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Passcode { get; set; }

    /// <summary>
    /// Reads <c>OS_AUTH_URL</c>, <c>OS_USER_ID</c>, <c>OS_USERNAME</c>,
    /// <c>OS_USER_DOMAIN_ID</c>/<c>_NAME</c>, <c>OS_PASSCODE</c> and the scope
    /// variables (as <see cref="PasswordAuthOptions.FromEnvironment"/>).
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static new TotpAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new TotpAuthOptions();
        options.ReadEnvironment(getVariable ?? Environment.GetEnvironmentVariable);
        return options;
    }

    private protected override void CheckMethod(List<string> failures)
    {
        CheckUser(failures);
        PasscodeSource.Check(failures, nameof(TotpAuthOptions), Passcode, TotpSecret, PasscodeProvider, required: true, StableCacheId);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        AppendUser(text);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, Passcode);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        ReadUserEnvironment(get);
        Passcode = get("OS_PASSCODE") ?? Passcode;
    }
}
