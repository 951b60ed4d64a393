using System.Text;

namespace Keystone.Auth.Access;

/// <summary>
/// Reading strings of the form: compared in place (endpoint lookup allocates
/// nothing) and decoded only when a caller asks for the catalog as records
/// or a lookup hands out its URL.
/// </summary>
internal static partial class CompactCatalog
{
    private const int StackChars = 256;

    /// <summary>Ordinal equality of the string at <paramref name="pos"/> with <paramref name="value"/>, without decoding it.</summary>
    private static bool StringEquals(ReadOnlySpan<byte> data, int pos, string? value)
    {
        pos = Resolve(data, pos);
        var tag = data[pos++];
        if (tag == Null || value is null)
        {
            return tag == Null && value is null;
        }

        return tag == Hex ? HexEquals(Payload(data, ref pos), value) : Utf8Equals(Payload(data, ref pos), value);
    }

    /// <summary>True when the string at <paramref name="pos"/> is null or empty.</summary>
    private static bool IsNullOrEmpty(ReadOnlySpan<byte> data, int pos)
    {
        pos = Resolve(data, pos);

        // Inline and Hex: a zero length is the varint 0.
        return data[pos] == Null || data[pos + 1] == 0;
    }

    /// <summary>
    /// Decodes the string at <paramref name="pos"/>. With <paramref name="shared"/>,
    /// every occurrence of one stored string decodes to one instance.
    /// </summary>
    private static string? ReadString(ReadOnlySpan<byte> data, int pos, Dictionary<int, string>? shared = null)
    {
        pos = Resolve(data, pos);
        if (shared is not null && shared.TryGetValue(pos, out var known))
        {
            return known;
        }

        var at = pos;
        var tag = data[pos++];
        if (tag == Null)
        {
            return null;
        }

        var value = tag == Hex
            ? Convert.ToHexString(Payload(data, ref pos)).ToLowerInvariant()
            : Encoding.UTF8.GetString(Payload(data, ref pos));
        shared?.Add(at, value);
        return value;
    }

    /// <summary>Decodes a URL stored as prefix and rest.</summary>
    private static string ReadUrl(ReadOnlySpan<byte> data, int prefixPos, int restPos, Dictionary<int, string>? shared = null)
    {
        // A lookup decodes one URL per token and filter: build it as one string
        // straight from the two UTF-8 parts when they are plain text.
        if (shared is null
            && TryInline(data, prefixPos, out var prefixBytes)
            && TryInline(data, restPos, out var restBytes)
            && prefixBytes.Length + restBytes.Length <= StackChars)
        {
            Span<char> chars = stackalloc char[StackChars];
            var written = Encoding.UTF8.GetChars(prefixBytes, chars);
            written += Encoding.UTF8.GetChars(restBytes, chars[written..]);
            return new string(chars[..written]);
        }

        var prefix = ReadString(data, prefixPos, shared);
        var rest = ReadString(data, restPos, shared) ?? string.Empty;
        return prefix is null ? rest : string.Concat(prefix, rest);
    }

    /// <summary>The UTF-8 bytes of the string at <paramref name="pos"/> when it is stored inline (null: empty).</summary>
    private static bool TryInline(ReadOnlySpan<byte> data, int pos, out ReadOnlySpan<byte> utf8)
    {
        pos = Resolve(data, pos);
        switch (data[pos++])
        {
            case Null:
                utf8 = default;
                return true;
            case Inline:
                utf8 = Payload(data, ref pos);
                return true;
            default:
                utf8 = default;
                return false;
        }
    }

    /// <summary>The position of the stored string a back-reference at <paramref name="pos"/> points to (else <paramref name="pos"/>).</summary>
    private static int Resolve(ReadOnlySpan<byte> data, int pos)
    {
        if (data[pos] != Back)
        {
            return pos;
        }

        pos++;
        return ReadVarInt(data, ref pos);
    }

    private static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> data, scoped ref int pos)
    {
        var length = ReadVarInt(data, ref pos);
        return data.Slice(pos, length);
    }

    private static bool HexEquals(ReadOnlySpan<byte> bytes, string value)
    {
        if (value.Length != bytes.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (value[2 * i] != LowerHexDigit(bytes[i] >> 4) || value[(2 * i) + 1] != LowerHexDigit(bytes[i] & 0xF))
            {
                return false;
            }
        }

        return true;
    }

    private static char LowerHexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string value)
    {
        // UTF-8 never has fewer bytes than the string has UTF-16 chars; an
        // all-ASCII payload equals the string only char for char.
        if (utf8.Length < value.Length)
        {
            return false;
        }

        if (utf8.Length == value.Length)
        {
            var i = 0;
            for (; i < utf8.Length && utf8[i] < 0x80; i++)
            {
                if (utf8[i] != value[i])
                {
                    return false;
                }
            }

            if (i == utf8.Length)
            {
                return true;
            }
        }
        else if (Ascii.IsValid(utf8))
        {
            return false;
        }

        // Non-ASCII (rare: region or service names in other scripts): decode
        // on the stack and compare.
        var count = Encoding.UTF8.GetCharCount(utf8);
        if (count != value.Length)
        {
            return false;
        }

        if (count > StackChars)
        {
            return string.Equals(Encoding.UTF8.GetString(utf8), value, StringComparison.Ordinal);
        }

        Span<char> chars = stackalloc char[StackChars];
        var decoded = Encoding.UTF8.GetChars(utf8, chars);
        return chars[..decoded].SequenceEqual(value);
    }
}
