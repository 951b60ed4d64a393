using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Keystone.Auth;

/// <summary>
/// RFC 6238 time-based one-time passcodes (HMAC-SHA1), computed from the
/// base32 secret of a Keystone TOTP credential, so that a service with MFA
/// rules can sign in unattended. Keystone checks passcodes with a 30 s step and
/// 6 digits; both are parameters for servers configured otherwise.
/// </summary>
internal static class Totp
{
    /// <summary>Keystone's passcode length.</summary>
    public const int DefaultDigits = 6;

    /// <summary>The options type named by errors unless the caller names its own.</summary>
    public const string DefaultOptionsType = "TotpAuthOptions";

    /// <summary>Keystone's time step.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(30);

    /// <summary>The passcode valid at <paramref name="time"/>'s current instant.</summary>
    /// <param name="secret">RFC 4648 base32; case, spaces and padding do not matter.</param>
    /// <param name="time">The clock; the passcode depends on its UTC now only.</param>
    /// <param name="digits">Passcode length, 6 to 10.</param>
    /// <param name="step">Time step; null means 30 s.</param>
    /// <param name="secretOption">The option name errors name (the secret's value never appears).</param>
    /// <param name="optionsType">The options type errors name (TOTP alone or with a password).</param>
    /// <exception cref="InvalidOptionsException">The secret is not base32, or digits/step are out of range.</exception>
    public static string Compute(string? secret, TimeProvider time, int digits = DefaultDigits, TimeSpan? step = null, string secretOption = "TotpSecret", string optionsType = DefaultOptionsType)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Compute(secret, time.GetUtcNow(), digits, step, secretOption, optionsType);
    }

    /// <summary>The passcode valid at <paramref name="at"/>.</summary>
    /// <param name="secret">RFC 4648 base32; case, spaces and padding do not matter.</param>
    /// <param name="at">The instant the passcode is for.</param>
    /// <param name="digits">Passcode length, 6 to 10.</param>
    /// <param name="step">Time step; null means 30 s.</param>
    /// <param name="secretOption">The option name errors name (the secret's value never appears).</param>
    /// <param name="optionsType">The options type errors name.</param>
    public static string Compute(string? secret, DateTimeOffset at, int digits = DefaultDigits, TimeSpan? step = null, string secretOption = "TotpSecret", string optionsType = DefaultOptionsType)
    {
        var stepLength = step ?? DefaultStep;
        // Checked before the secret is decoded, so a bad call never has key bytes to wipe.
        if (digits is < 6 or > 10)
        {
            throw Invalid(optionsType, $"TotpDigits must be from 6 to 10, got {digits}");
        }

        if (stepLength < TimeSpan.FromSeconds(1) || stepLength.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid(optionsType, $"TotpStep must be a whole number of seconds, at least 1, got {stepLength}");
        }

        var key = DecodeBase32(secret, secretOption, optionsType);
        try
        {
            // T = floor((unix time - T0) / X), T0 = 0 (RFC 6238 section 4.2).
            var counter = Math.Floor((double)at.ToUnixTimeSeconds() / (long)stepLength.TotalSeconds);
            Span<byte> message = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(message, (long)counter);
            Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
            // RFC 6238 with SHA-1 is what Keystone verifies; HMAC-SHA1 is not
            // weakened by SHA-1 collisions, and the choice is the server's, not ours.
#pragma warning disable CA5350
            HMACSHA1.HashData(key, message, hash);
#pragma warning restore CA5350

            // Dynamic truncation (RFC 4226 section 5.3).
            var offset = hash[^1] & 0x0F;
            var binary = BinaryPrimitives.ReadInt32BigEndian(hash.Slice(offset, 4)) & 0x7FFF_FFFF;
            hash.Clear();
            var modulus = 1L;
            for (var i = 0; i < digits; i++)
            {
                modulus *= 10;
            }

            return (binary % modulus).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Decodes base32 straight from the caller's characters (no upper-cased or
    /// trimmed copy of the secret is ever made), ignoring spaces and trailing
    /// '=' as Keystone does when it pads the stored secret itself.
    /// </summary>
    internal static byte[] DecodeBase32(string? secret, string secretOption, string optionsType = DefaultOptionsType)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw Invalid(optionsType, $"{secretOption} is required for TOTP");
        }

        var symbols = 0;
        var end = secret.Length;
        while (end > 0 && (secret[end - 1] == '=' || secret[end - 1] == ' '))
        {
            end--;
        }

        for (var i = 0; i < end; i++)
        {
            var c = secret[i];
            if (c == ' ')
            {
                continue;
            }

            if (Value(c) < 0)
            {
                // The position helps find a typo; the character itself is part of the secret.
                throw Invalid(optionsType, $"{secretOption} is not valid base32: unexpected character at position {i + 1} (A-Z and 2-7 only)");
            }

            symbols++;
        }

        // 1, 3 or 6 symbols left over cannot end a whole byte: a truncated secret.
        if (symbols == 0 || (symbols % 8) is 1 or 3 or 6)
        {
            throw Invalid(optionsType, $"{secretOption} is not valid base32: {symbols} symbols is not a whole number of bytes");
        }

        var key = new byte[symbols * 5 / 8];
        var buffer = 0;
        var bits = 0;
        var written = 0;
        for (var i = 0; i < end; i++)
        {
            if (secret[i] == ' ')
            {
                continue;
            }

            buffer = (buffer << 5) | Value(secret[i]);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                key[written++] = (byte)(buffer >> bits);
                buffer &= (1 << bits) - 1;
            }
        }

        return key;
    }

    private static int Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };

    private static InvalidOptionsException Invalid(string optionsType, string failure) => new(optionsType, [failure]);
}
