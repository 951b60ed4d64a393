using System.Diagnostics;
using System.Text;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="TotpAuth"/> (keystoneauth's <c>v3.TOTP</c>,
/// <c>v3totp</c>): the user (<see cref="UserId"/>, or <see cref="Username"/>
/// with <see cref="UserDomainId"/> or <see cref="UserDomainName"/>), a scope as
/// for a password, and exactly one passcode source: <see cref="TotpSecret"/>
/// (computed at each request, for a service that signs in unattended),
/// <see cref="PasscodeProvider"/>, or a one-shot <see cref="Passcode"/>.
/// </summary>
public sealed class TotpAuthOptions : ScopedIdentityOptions
{
    /// <summary>The user id. Wins over <see cref="Username"/> when both are set.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>
    /// The base32 secret of the user's Keystone TOTP credential (its <c>blob</c>).
    /// Each token request computes the current passcode from it (RFC 6238,
    /// HMAC-SHA1, 6 digits, 30 s: what Keystone checks) with the plugin's clock.
    /// Never logged, printed or serialized; part of the cache id only as a hashed secret.
    /// </summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? TotpSecret { get; set; }

    /// <summary>
    /// Asked for a passcode at each token request (e.g. from a vault or an
    /// operator prompt); must return the 6 digits valid now. Each provider
    /// instance has its own cache entry (see the README).
    /// </summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public Func<CancellationToken, ValueTask<string>>? PasscodeProvider { get; set; }

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
        UserRef.Check(failures, UserId, Username, UserDomainId, UserDomainName, required: true);
        PasscodeSource.Check(failures, nameof(TotpAuthOptions), Passcode, TotpSecret, PasscodeProvider, required: true, StableCacheId);
    }

    private protected override void AppendFields(StringBuilder text)
    {
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
        AppendPasscodeSource(text, TotpSecret, PasscodeProvider, Passcode);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
        Passcode = get("OS_PASSCODE") ?? Passcode;
        TotpSecret = get("OS_TOTP_SECRET") ?? TotpSecret;
    }
}
