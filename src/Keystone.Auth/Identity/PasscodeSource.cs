using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Keystone.Auth.Identity;

/// <summary>
/// Where a TOTP passcode comes from, for every method that sends one: a
/// base32 <c>TotpSecret</c> (computed with <see cref="Totp"/> at request time,
/// from the plugin's clock), a caller's <c>PasscodeProvider</c>, or a fixed
/// one-shot <c>Passcode</c>. It checks the options, names itself in the cache
/// identity and hands out passcodes.
/// </summary>
/// <remarks>
/// Cache identity, per source (the passcode itself never: it changes every 30 s
/// and decides nothing about the token):
/// <list type="bullet">
/// <item>TotpSecret: the secret, as a secret element; it is the credential, so
/// two plugins with the same secret, user and scope share an entry, also across
/// processes with <c>StableCacheId</c>.</item>
/// <item>PasscodeProvider: a random id per provider delegate instance, so a
/// plugin built with another provider (say, from another tenant's input) never
/// reaches this one's token without proving anything.</item>
/// <item>Passcode: a random id per plugin, so its token is that plugin's alone.
/// The passcode is spent once a token was issued with it; asking again is a
/// typed error before any request, never a resend of a stale passcode.</item>
/// </list>
/// A provider or passcode cannot be named the same way in two processes, so
/// with <c>StableCacheId</c> they are refused: use TotpSecret.
/// </remarks>
internal sealed class PasscodeSource
{
    private static readonly ConditionalWeakTable<object, string> s_providerIds = [];

    private readonly string? _passcode;
    private readonly string? _secret;
    private readonly Func<CancellationToken, ValueTask<string>>? _provider;
    private readonly string _optionsType;
    private readonly string _instanceId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private int _passcodeState; // 0 unused, 1 in flight, 2 spent

    private PasscodeSource(string? passcode, string? secret, Func<CancellationToken, ValueTask<string>>? provider, string optionsType)
    {
        _passcode = passcode;
        _secret = secret;
        _provider = provider;
        _optionsType = optionsType;
    }

    /// <summary>True for a fixed one-shot passcode: it cannot get a second token.</summary>
    public bool IsOneShot => _passcode is not null;

    /// <summary>The source the (validated) options name, or null when they name none.</summary>
    public static PasscodeSource? From(string? passcode, string? secret, Func<CancellationToken, ValueTask<string>>? provider, string optionsType) =>
        IsSet(passcode) || IsSet(secret) || provider is not null
            ? new PasscodeSource(IsSet(passcode) ? passcode : null, IsSet(secret) ? secret : null, provider, optionsType)
            : null;

    /// <summary>
    /// Adds what is wrong: more than one source, none when <paramref name="required"/>,
    /// a secret that is not base32, a passcode that is not digits, a source that
    /// cannot give a stable cache id. Values are never quoted.
    /// </summary>
    public static void Check(List<string> failures, string optionsType, string? passcode, string? secret, Func<CancellationToken, ValueTask<string>>? provider, bool required, bool stableCacheId, bool passcodeAllowed = true)
    {
        var names = passcodeAllowed ? "TotpSecret, PasscodeProvider or Passcode" : "TotpSecret or PasscodeProvider";
        var count = (IsSet(passcode) ? 1 : 0) + (IsSet(secret) ? 1 : 0) + (provider is null ? 0 : 1);
        if (count > 1)
        {
            failures.Add($"set only one of {names}");
        }
        else if (count == 0 && required)
        {
            failures.Add($"a TOTP passcode source is required: set {names}{(passcodeAllowed ? " (one-shot)" : string.Empty)}");
        }

        if (IsSet(secret))
        {
            try
            {
                CryptographicOperations.ZeroMemory(Totp.DecodeBase32(secret, "TotpSecret", optionsType));
            }
            catch (InvalidOptionsException ex)
            {
                failures.AddRange(ex.Failures);
            }
        }

        if (passcode is { Length: > 0 } && (passcode.Length is < Totp.DefaultDigits or > 10 || !passcode.All(char.IsAsciiDigit)))
        {
            failures.Add("Passcode must be the 6 to 10 digits of one TOTP code");
        }

        if (stableCacheId && (IsSet(passcode) || provider is not null) && !IsSet(secret))
        {
            failures.Add("StableCacheId needs TotpSecret as the TOTP source: a PasscodeProvider or a one-shot Passcode cannot name the same cache entry in two processes");
        }
    }

    /// <summary>Adds the source (never a passcode) to the cache identity; see the remarks.</summary>
    public void AddTo(CacheIdentity id)
    {
        if (_secret is not null)
        {
            id.AddSecret("totp_secret", _secret);
        }
        else if (_provider is not null)
        {
            id.Add("totp_provider", s_providerIds.GetValue(_provider, static _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
        }
        else
        {
            id.Add("totp_passcode_plugin", _instanceId);
        }
    }

    /// <summary>
    /// Runs one token request with a passcode for it. A one-shot passcode is
    /// claimed for the request, spent when a token comes back, and released for
    /// another try when the request fails (Keystone does not remember passcodes,
    /// so a retry inside its window is harmless).
    /// </summary>
    public async Task<AccessInfo> UseAsync(TimeProvider time, Func<string, Task<AccessInfo>> send, CancellationToken cancellationToken)
    {
        if (_passcode is null)
        {
            return await send(await NextAsync(time, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        if (Interlocked.CompareExchange(ref _passcodeState, 1, 0) != 0)
        {
            throw new InvalidOptionsException(_optionsType, [
                "Passcode is one-shot and has already been used (or is in use) for a token; set TotpSecret or PasscodeProvider so that the plugin can sign in again"]);
        }

        try
        {
            var access = await send(_passcode).ConfigureAwait(false);
            Volatile.Write(ref _passcodeState, 2);
            return access;
        }
        catch
        {
            Volatile.Write(ref _passcodeState, 0);
            throw;
        }
    }

    private async ValueTask<string> NextAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        if (_secret is not null)
        {
            return Totp.Compute(_secret, time, optionsType: _optionsType);
        }

        string? passcode;
        try
        {
            passcode = await _provider!(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not KeystoneException)
        {
            throw new KeystoneException($"The PasscodeProvider of {_optionsType} failed ({ex.GetType().Name})", ex);
        }

        // Checked before it is written into a request; the value is never quoted.
        if (string.IsNullOrEmpty(passcode) || passcode.Length > 10 || !passcode.All(char.IsAsciiDigit))
        {
            throw new InvalidOptionsException(_optionsType, ["PasscodeProvider returned something that is not a TOTP code (6 to 10 digits expected)"]);
        }

        return passcode;
    }

    private static bool IsSet(string? value) => !string.IsNullOrEmpty(value);
}
