using System.Text.Json;

namespace Keystone.Auth.Identity;

/// <summary>
/// The <c>identity</c> of a user proving one or two factors: <c>password</c>,
/// <c>totp</c>, or both in one request. The TOTP and multi-factor plugins keep
/// one without a passcode (for the cache identity and logs) and make one per
/// request with the passcode of that moment, so concurrent requests never share
/// a passcode field.
/// </summary>
internal sealed class UserFactors : IIdentityMethod
{
    private static readonly string[] s_totp = ["totp"];
    private static readonly string[] s_both = ["password", "totp"];

    private readonly string? _userId;
    private readonly string? _username;
    private readonly string? _domainId;
    private readonly string? _domainName;
    private readonly string? _password;
    private readonly string? _passcode;
    private readonly PasscodeSource? _source;

    private UserFactors(string? userId, string? username, string? domainId, string? domainName, string? password, string? passcode, PasscodeSource? source)
    {
        _userId = userId;
        _username = username;
        _domainId = domainId;
        _domainName = domainName;
        _password = password;
        _passcode = passcode;
        _source = source;
        Methods = password is null ? s_totp : s_both;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Methods { get; }

    /// <summary>The plugin's own: names the user, the password (if any) and the passcode source.</summary>
    public static UserFactors For(string? userId, string? username, string? domainId, string? domainName, string? password, PasscodeSource source) =>
        new(userId, username, domainId, domainName, password, passcode: null, source);

    /// <summary>One request's body: the same user and password with the passcode of this moment.</summary>
    public UserFactors WithPasscode(string passcode) =>
        new(_userId, _username, _domainId, _domainName, _password, passcode, _source);

    /// <summary>A receipt continuation: only the TOTP entry, the password having been accepted already.</summary>
    public UserFactors TotpOnly(string passcode) =>
        new(_userId, _username, _domainId, _domainName, password: null, passcode, _source);

    /// <inheritdoc />
    public void WriteMethods(Utf8JsonWriter w)
    {
        if (_password is not null)
        {
            w.WriteStartObject("password");
            w.WriteStartObject("user");
            UserRef.WriteFields(w, _userId, _username, _domainId, _domainName);
            w.WriteString("password", _password);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteStartObject("totp");
        w.WriteStartObject("user");
        UserRef.WriteFields(w, _userId, _username, _domainId, _domainName);
        w.WriteString("passcode", _passcode ?? throw new InvalidOperationException("A TOTP request body needs its passcode."));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <inheritdoc />
    public void AddCacheElements(CacheIdentity identity)
    {
        UserRef.AddTo(identity, _userId, _username, _domainId, _domainName);
        if (_password is not null)
        {
            identity.AddSecret("password", _password);
        }

        _source?.AddTo(identity);
    }

    /// <inheritdoc />
    public string Describe() => UserRef.Describe(_userId, _username, _domainId, _domainName);
}
