using System.Buffers.Binary;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>
/// Checks that bytes are a well-formed <see cref="CatalogFormat"/> catalog before
/// anything reads them. <see cref="CatalogReader"/> trusts its input (it only ever
/// reads what <see cref="CatalogWriter"/> wrote in this process); bytes that come
/// back from an export may be truncated or corrupt, and must give a clear
/// "no" here instead of an index error, a huge allocation or a wrong catalog.
/// </summary>
internal static class CatalogCheck
{
    public static bool IsWellFormed(ReadOnlySpan<byte> data, int serviceCount)
    {
        if (serviceCount < 0 || serviceCount > data.Length)
        {
            return false;
        }

        // Positions where a string was stored inline: the only targets a back-reference may have.
        var stored = new bool[data.Length];
        var pos = 0;
        for (var s = 0; s < serviceCount; s++)
        {
            if (data.Length - pos < CatalogFormat.SkipBytes)
            {
                return false;
            }

            var skip = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
            pos += CatalogFormat.SkipBytes;
            if (skip < 0 || skip > data.Length - pos)
            {
                return false;
            }

            var end = pos + skip;
            if (!IsService(data[..end], ref pos, stored) || pos != end)
            {
                return false;
            }
        }

        return pos == data.Length;
    }

    private static bool IsService(ReadOnlySpan<byte> data, ref int pos, bool[] stored)
    {
        // The type is required: a service is found by it.
        if (pos >= data.Length || data[pos] == CatalogFormat.Null
            || !IsString(data, ref pos, stored) || !IsString(data, ref pos, stored) || !IsString(data, ref pos, stored)
            || !TryVarInt(data, ref pos, out var count) || count > data.Length - pos)
        {
            return false;
        }

        for (var e = 0; e < count; e++)
        {
            if (pos >= data.Length)
            {
                return false;
            }

            var flags = data[pos++];
            var firstOfService = e == 0;
            if ((flags & ~CatalogFormat.KnownFlags) != 0
                || (firstOfService && (flags & (CatalogFormat.SameRegionAsPrevious | CatalogFormat.SamePrefixAsPrevious)) != 0))
            {
                return false;
            }

            // Without its text, the interface must be one the decoder can name.
            var hasText = (flags & CatalogFormat.InterfaceText) != 0;
            if ((!hasText && (flags & CatalogFormat.InterfaceMask) == CatalogFormat.Unparsed)
                || (hasText && !IsString(data, ref pos, stored))
                || !IsString(data, ref pos, stored))
            {
                return false;
            }

            if ((flags & CatalogFormat.SameRegionAsPrevious) == 0
                && (!IsString(data, ref pos, stored)
                    || ((flags & CatalogFormat.RegionIdIsRegion) == 0 && !IsString(data, ref pos, stored))))
            {
                return false;
            }

            if (((flags & CatalogFormat.SamePrefixAsPrevious) == 0 && !IsString(data, ref pos, stored))
                || !IsString(data, ref pos, stored))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsString(ReadOnlySpan<byte> data, ref int pos, bool[] stored)
    {
        if (pos >= data.Length)
        {
            return false;
        }

        var at = pos;
        var tag = data[pos++];
        int length;
        switch (tag)
        {
            case CatalogFormat.Null:
                return true;
            case CatalogFormat.Known:
                return pos < data.Length && data[pos++] < CatalogVocabulary.Count;
            case CatalogFormat.Back:
                return TryVarInt(data, ref pos, out var target) && target < at && stored[target];
            case CatalogFormat.Inline:
                if (!TryVarInt(data, ref pos, out length) || length > data.Length - pos || !Utf8.IsValid(data.Slice(pos, length)))
                {
                    return false;
                }

                break;
            case CatalogFormat.Hex:
                if (!TryVarInt(data, ref pos, out length) || length > data.Length - pos)
                {
                    return false;
                }

                break;
            case CatalogFormat.Utf16:
                if (!TryVarInt(data, ref pos, out var chars) || chars > (data.Length - pos) / 2)
                {
                    return false;
                }

                length = chars * 2;
                break;
            default:
                return false;
        }

        pos += length;
        stored[at] = true;
        return true;
    }

    /// <summary>A varint of at most five bytes whose value fits a non-negative int.</summary>
    internal static bool TryVarInt(ReadOnlySpan<byte> data, ref int pos, out int value)
    {
        value = 0;
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (pos >= data.Length)
            {
                return false;
            }

            var b = data[pos++];
            if (shift == 28 && b > 0x07)
            {
                return false;
            }

            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                value = (int)result;
                return true;
            }
        }

        return false;
    }
}
