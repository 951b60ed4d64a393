using System.Text;

namespace Keystone.Auth.Access;

/// <summary>
/// Reads the <see cref="CatalogFormat"/> layout: compares strings in place
/// (endpoint lookup allocates nothing) and decodes them when a caller asks for
/// the catalog as records.
/// </summary>
internal static class CatalogReader
{
    private const int StackChars = 256;

    public static int ReadSkip(ReadOnlySpan<byte> data, ref int pos)
    {
        var skip = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += CatalogFormat.SkipBytes;
        return skip;
    }

    public static int ReadVarInt(ReadOnlySpan<byte> data, ref int pos)
    {
        uint value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = data[pos++];
            value |= (uint)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return (int)value;
    }

    /// <summary>
    /// Reads one endpoint's flags and the positions of its strings, moving
    /// <paramref name="pos"/> past it. <paramref name="fields"/> must carry the
    /// previous endpoint of the same service: region and URL prefix flagged
    /// "same as previous" keep their positions.
    /// </summary>
    public static void ReadEndpoint(ReadOnlySpan<byte> data, ref int pos, ref EndpointFields fields)
    {
        var flags = data[pos++];
        fields.Flags = flags;
        fields.InterfaceText = -1;
        if ((flags & CatalogFormat.InterfaceText) != 0)
        {
            fields.InterfaceText = pos;
            SkipString(data, ref pos);
        }

        fields.Id = pos;
        SkipString(data, ref pos);
        if ((flags & CatalogFormat.SameRegionAsPrevious) == 0)
        {
            fields.Region = fields.RegionId = pos;
            SkipString(data, ref pos);
            if ((flags & CatalogFormat.RegionIdIsRegion) == 0)
            {
                fields.RegionId = pos;
                SkipString(data, ref pos);
            }
        }

        if ((flags & CatalogFormat.SamePrefixAsPrevious) == 0)
        {
            fields.Prefix = pos;
            SkipString(data, ref pos);
        }

        fields.Rest = pos;
        SkipString(data, ref pos);
    }

    /// <summary>Moves <paramref name="pos"/> past the string at it.</summary>
    public static void SkipString(ReadOnlySpan<byte> data, ref int pos)
    {
        switch (data[pos++])
        {
            case CatalogFormat.Null:
                return;
            case CatalogFormat.Known:
                pos++;
                return;
            case CatalogFormat.Back:
                ReadVarInt(data, ref pos);
                return;
            case CatalogFormat.Utf16:
                var chars = ReadVarInt(data, ref pos);
                pos += chars * 2;
                return;
            default: // Inline, Hex
                var bytes = ReadVarInt(data, ref pos);
                pos += bytes;
                return;
        }
    }

    /// <summary>Ordinal equality of the string at <paramref name="pos"/> with <paramref name="value"/>, without decoding it.</summary>
    public static bool StringEquals(ReadOnlySpan<byte> data, int pos, string? value)
    {
        pos = Resolve(data, pos);
        var tag = data[pos++];
        if (tag == CatalogFormat.Null || value is null)
        {
            return tag == CatalogFormat.Null && value is null;
        }

        switch (tag)
        {
            case CatalogFormat.Known:
                return string.Equals(CatalogVocabulary.Get(data[pos]), value, StringComparison.Ordinal);
            case CatalogFormat.Hex:
                return HexEquals(Payload(data, ref pos), value);
            case CatalogFormat.Utf16:
                var chars = ReadVarInt(data, ref pos);
                if (chars != value.Length)
                {
                    return false;
                }

                for (var i = 0; i < chars; i++, pos += 2)
                {
                    if ((char)(data[pos] | (data[pos + 1] << 8)) != value[i])
                    {
                        return false;
                    }
                }

                return true;
            default:
                return Utf8Equals(Payload(data, ref pos), value);
        }
    }

    /// <summary>True when the string at <paramref name="pos"/> is null or empty.</summary>
    public static bool IsNullOrEmpty(ReadOnlySpan<byte> data, int pos)
    {
        pos = Resolve(data, pos);
        return data[pos] switch
        {
            CatalogFormat.Null => true,
            CatalogFormat.Known => false,
            _ => data[pos + 1] == 0, // a zero length (varint 0) for Inline, Hex and Utf16
        };
    }

    /// <summary>
    /// Decodes the string at <paramref name="pos"/>. With <paramref name="shared"/>,
    /// every occurrence of one stored string decodes to one instance.
    /// </summary>
    public static string? ReadString(ReadOnlySpan<byte> data, int pos, Dictionary<int, string>? shared = null)
    {
        pos = Resolve(data, pos);
        if (shared is not null && shared.TryGetValue(pos, out var known))
        {
            return known;
        }

        var at = pos;
        string? value;
        switch (data[pos++])
        {
            case CatalogFormat.Null:
                return null;
            case CatalogFormat.Known:
                return CatalogVocabulary.Get(data[pos]);
            case CatalogFormat.Hex:
                value = Convert.ToHexString(Payload(data, ref pos)).ToLowerInvariant();
                break;
            case CatalogFormat.Utf16:
                var chars = ReadVarInt(data, ref pos);
                var buffer = new char[chars];
                for (var i = 0; i < chars; i++, pos += 2)
                {
                    buffer[i] = (char)(data[pos] | (data[pos + 1] << 8));
                }

                value = new string(buffer);
                break;
            default:
                value = Encoding.UTF8.GetString(Payload(data, ref pos));
                break;
        }

        shared?.Add(at, value);
        return value;
    }

    /// <summary>Decodes a URL stored as prefix and rest.</summary>
    public static string ReadUrl(ReadOnlySpan<byte> data, int prefixPos, int restPos, Dictionary<int, string>? shared = null)
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
            case CatalogFormat.Null:
                utf8 = default;
                return true;
            case CatalogFormat.Inline:
                utf8 = Payload(data, ref pos);
                return true;
            default:
                utf8 = default;
                return false;
        }
    }

    /// <summary>The position of the stored string a back-reference at <paramref name="pos"/> points to (else <paramref name="pos"/>).</summary>
    public static int Resolve(ReadOnlySpan<byte> data, int pos)
    {
        if (data[pos] != CatalogFormat.Back)
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
        else if (System.Text.Ascii.IsValid(utf8))
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

/// <summary>Where one endpoint's strings are in a catalog's data (see <see cref="CatalogReader.ReadEndpoint"/>).</summary>
internal struct EndpointFields
{
    public byte Flags;
    public int InterfaceText;
    public int Id;
    public int Region;
    public int RegionId;
    public int Prefix;
    public int Rest;

    /// <summary>The interface as parsed when written, or <see cref="CatalogFormat.Unparsed"/>.</summary>
    public readonly int Interface => Flags & CatalogFormat.InterfaceMask;
}
