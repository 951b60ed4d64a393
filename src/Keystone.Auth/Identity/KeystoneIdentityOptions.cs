using System.Diagnostics;
using System.Text;

namespace Keystone.Auth;

/// <summary>
/// What every auth method that asks Keystone for a token shares: where to ask
/// (<see cref="AuthUrl"/>), whether the catalog comes back, and the limits of
/// one token request. The method's own options derive from this (or from
/// <see cref="ScopedIdentityOptions"/> when the method takes a scope).
/// </summary>
/// <remarks>
/// The hierarchy is closed (its members that a method must fill in are
/// internal): new methods are added by this library, next to the others.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public abstract class KeystoneIdentityOptions : AuthPluginOptions
{
    /// <summary>The deadline of a token request when <see cref="RequestTimeout"/> is null.</summary>
    internal static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="RequestTimeout"/> accepted.</summary>
    internal static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromHours(1);

    private protected KeystoneIdentityOptions()
    {
    }

    /// <summary>
    /// The identity endpoint, e.g. <c>https://10.10.10.2:5001/v3</c>. <c>/v3</c> is
    /// appended when missing; whitespace around it is ignored. Refused: a user or
    /// password in the URL, a query, a <c>/v2.0</c> URL, and the token URL itself
    /// (<c>…/v3/auth/tokens</c>); each message says what to write instead.
    /// </summary>
    public string? AuthUrl { get; set; }

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

    /// <summary>
    /// Make the cache id the same in every process that holds the same secret
    /// (default false). The id is then an HMAC keyed by a key derived from the
    /// secret (HKDF-SHA-256 with a fixed label), so it still reveals neither the
    /// secret, nor the user, nor the auth URL, but a token tier shared between
    /// processes can find one process's token from another. When false, the
    /// key is random per process and ids mean nothing outside it.
    /// </summary>
    public bool StableCacheId { get; set; }

    /// <summary>The type name, the endpoint and every setting, secrets shown as <c>***</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(GetType().Name).Append(" { AuthUrl = ").Append(AuthUrl);
        AppendFields(text);
        if (!IncludeCatalog)
        {
            text.Append(", IncludeCatalog = false");
        }

        if (StableCacheId)
        {
            text.Append(", StableCacheId = true");
        }

        return text.Append(" }").ToString();
    }

    /// <summary>
    /// Every problem, in the order a reader fixes them: endpoint, the method's
    /// own fields, scope, limits. Empty when the options are usable.
    /// </summary>
    internal sealed override IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        Identity.AuthUrl.Check(AuthUrl, nameof(AuthUrl), failures);
        CheckMethod(failures);
        CheckScope(failures);
        if (RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            // A token request with no end would hold every caller of its
            // identity (they share one fetch) until the process restarts.
            failures.Add("RequestTimeout must be finite: a token request without a deadline can wedge its identity; leave it null for the default (30 s)");
        }
        else if (RequestTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add("RequestTimeout must be positive");
        }
        else if (RequestTimeout > MaxRequestTimeout)
        {
            failures.Add($"RequestTimeout must be at most {MaxRequestTimeout} (one token request)");
        }

        if (MaxResponseBytes <= 0)
        {
            failures.Add("MaxResponseBytes must be positive");
        }

        return failures;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming this type and listing every failure, if any.</summary>
    internal void ThrowIfInvalid()
    {
        if (Validate() is { Count: > 0 } failures)
        {
            throw new InvalidOptionsException(GetType().Name, failures);
        }
    }

    /// <summary>A private copy for a plugin: later changes to this object do not reach it; AuthUrl is trimmed.</summary>
    internal T Snapshot<T>()
        where T : KeystoneIdentityOptions
    {
        var copy = (T)MemberwiseClone();
        copy.AuthUrl = Identity.AuthUrl.Normalize(copy.AuthUrl);
        return copy;
    }

    /// <summary>Reads <c>OS_AUTH_URL</c> (trimmed), then what the method and its scope read; unset variables leave their settings alone.</summary>
    internal void ReadEnvironment(Func<string, string?> getVariable) => ReadSettings(getVariable);

    /// <inheritdoc />
    internal sealed override void ReadSettings(Func<string, string?> getVariable)
    {
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        AuthUrl = Identity.AuthUrl.Normalize(Get("OS_AUTH_URL")) ?? AuthUrl;
        ReadMethodEnvironment(Get);
        ReadScopeEnvironment(Get);
    }

    /// <summary>Adds the method's own problems (user, secret...).</summary>
    private protected abstract void CheckMethod(List<string> failures);

    /// <summary>Adds the scope's problems; nothing for a method without scope.</summary>
    private protected virtual void CheckScope(List<string> failures)
    {
    }

    /// <summary>Appends <c>, Name = value</c> for the method's and scope's fields; secrets as <c>***</c>.</summary>
    private protected abstract void AppendFields(StringBuilder text);

    /// <summary>
    /// Reads the method's <c>OS_*</c> variables (empty counts as unset), each as
    /// <c>X = get("OS_X") ?? X</c> so that reading overlays (environment over
    /// configuration). Configuration and clouds.yaml call it too, with the
    /// names translated (see <c>SettingNames</c>).
    /// </summary>
    private protected abstract void ReadMethodEnvironment(Func<string, string?> get);

    /// <summary>Reads the scope's <c>OS_*</c> variables; nothing for a method without scope.</summary>
    private protected virtual void ReadScopeEnvironment(Func<string, string?> get)
    {
    }

    /// <summary>Appends <c>, name = value</c> when the value is set.</summary>
    private protected static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.Append(", ").Append(name).Append(" = ").Append(value);
        }
    }

    /// <summary>Appends a secret as <c>***</c>, or <c>(none)</c> when unset; never its value.</summary>
    private protected static void AppendSecret(StringBuilder text, string name, string? value) =>
        text.Append(", ").Append(name).Append(" = ").Append(string.IsNullOrEmpty(value) ? "(none)" : Diagnostics.Redaction.Redacted);

    /// <summary>Appends the TOTP passcode sources that are set, as <c>***</c> or <c>(set)</c>; never a value.</summary>
    private protected static void AppendPasscodeSource(StringBuilder text, string? totpSecret, Delegate? passcodeProvider, string? passcode)
    {
        if (IsSet(totpSecret))
        {
            AppendSecret(text, "TotpSecret", totpSecret);
        }

        if (passcodeProvider is not null)
        {
            text.Append(", PasscodeProvider = (set)");
        }

        if (IsSet(passcode))
        {
            AppendSecret(text, "Passcode", passcode);
        }
    }

    /// <summary>A non-empty string: Keystone treats empty as absent, and so do these options.</summary>
    private protected static bool IsSet(string? value) => !string.IsNullOrEmpty(value);

    /// <summary>Adds "set A or B, not both" when both are given.</summary>
    private protected static void Exclusive(List<string> failures, string? a, string? b, string nameA, string nameB)
    {
        if (IsSet(a) && IsSet(b))
        {
            failures.Add($"set {nameA} or {nameB}, not both");
        }
    }
}
