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
public sealed class MultiFactorAuthOptions : ScopedIdentityOptions
{
    /// <summary>The user id. Wins over <see cref="Username"/> when both are set.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>The password. Required. Never logged, printed, serialized or used as a cache key in clear.</summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Password { get; set; }

    /// <summary>The base32 secret of the user's TOTP credential; the passcode is computed at each request (as <see cref="TotpAuthOptions.TotpSecret"/>).</summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? TotpSecret { get; set; }

    /// <summary>Asked for a passcode at each token request (as <see cref="TotpAuthOptions.PasscodeProvider"/>).</summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public Func<CancellationToken, ValueTask<string>>? PasscodeProvider { get; set; }

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

        UserRef.Check(failures, UserId, Username, UserDomainId, UserDomainName, required: true);
        PasscodeSource.Check(failures, nameof(MultiFactorAuthOptions), Passcode, TotpSecret, PasscodeProvider, required: true, StableCacheId);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
        AppendSecret(text, nameof(Password), Password);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, Passcode);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
        Password = get("OS_PASSWORD") ?? Password;
        Passcode = get("OS_PASSCODE") ?? Passcode;
        TotpSecret = get("OS_TOTP_SECRET") ?? TotpSecret;
    }
}
