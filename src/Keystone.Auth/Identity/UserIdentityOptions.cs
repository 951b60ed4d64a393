using System.Diagnostics;
using System.Text;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// What every method that signs in as a user with a scope shares (password,
/// TOTP, password + TOTP): the user, by <see cref="UserId"/> or by
/// <see cref="Username"/> with <see cref="UserDomainId"/> or
/// <see cref="UserDomainName"/>, and the sources of a TOTP passcode. Each
/// setting is declared, read, checked and printed here once.
/// </summary>
public abstract class UserIdentityOptions : ScopedIdentityOptions
{
    private protected UserIdentityOptions()
    {
    }

    /// <summary>The user id. Wins over <see cref="Username"/> when both are set.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>
    /// The base32 secret of the user's Keystone TOTP credential (its <c>blob</c>;
    /// <c>OS_TOTP_SECRET</c>, a name of this library). The passcode is computed
    /// when a request needs it (RFC 6238, HMAC-SHA1, 6 digits, 30 s: what
    /// Keystone checks) with the plugin's clock, so a service signs in
    /// unattended. Never logged, printed or serialized; part of the cache id only
    /// as a hashed secret.
    /// </summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? TotpSecret { get; set; }

    /// <summary>
    /// Asked for a passcode when a request needs one (e.g. from a vault or an
    /// operator prompt); must return the 6 digits valid now. Each provider
    /// instance has its own cache entry. Set at most one of this and
    /// <see cref="TotpSecret"/>.
    /// </summary>
    [JsonIgnore, DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public Func<CancellationToken, ValueTask<string>>? PasscodeProvider { get; set; }

    /// <summary>Adds the problems with the user fields.</summary>
    private protected void CheckUser(List<string> failures) =>
        UserRef.Check(failures, UserId, Username, UserDomainId, UserDomainName, required: true);

    /// <summary>Appends the user fields that are set (never a secret).</summary>
    private protected void AppendUser(StringBuilder text)
    {
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
    }

    /// <summary>Overlays the user variables and <c>OS_TOTP_SECRET</c> that are set.</summary>
    private protected void ReadUserEnvironment(Func<string, string?> get)
    {
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
        TotpSecret = get("OS_TOTP_SECRET") ?? TotpSecret;
    }
}
