using System.Buffers.Binary;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>
/// Checks that bytes are a well-formed catalog before anything reads them. The
/// reader trusts its input (it only ever reads what the writer wrote in this
/// process); bytes that come back from an export may be truncated, corrupt or
/// from an older version, and must give a clear "no" here instead of an index
/// error, a huge allocation or a wrong catalog.
/// </summary>
internal static partial class CompactCatalog
{
    public static bool IsWellFormed(ReadOnlySpan<byte> data, int serviceCount)
    {
        if (serviceCount < 0 || serviceCount > data.Length)
        {
            return false;
        }

        // Positions where a string was stored: the only targets a back-reference may have.
        var stored = new bool[data.Length];
        var pos = 0;
        for (var s = 0; s < serviceCount; s++)
        {
            if (data.Length - pos < SkipBytes)
            {
                return false;
            }

            var skip = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
            pos += SkipBytes;
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

    private static bool IsService(ReadOnlySpan<byte> data, ref int pos, bool[] stored)
    {
        // The type is required: a service is found by it.
        if (pos >= data.Length || data[pos] == Null
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

            // Without its text, the interface must be one the decoder can name.
            var flags = data[pos++];
            var hasText = (flags & InterfaceText) != 0;
            if ((flags & ~KnownFlags) != 0
                || (!hasText && (flags & InterfaceMask) == Unparsed)
                || (hasText && !IsString(data, ref pos, stored)))
            {
                return false;
            }

            // id, region, region_id, URL prefix, URL rest.
            for (var f = 0; f < 5; f++)
            {
                if (!IsString(data, ref pos, stored))
                {
                    return false;
                }
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
        int length;
        switch (data[pos++])
        {
            case Null:
                return true;
            case Back:
                return TryVarInt(data, ref pos, out var target) && target < at && stored[target];
            case Inline:
                if (!TryVarInt(data, ref pos, out length) || length > data.Length - pos || !Utf8.IsValid(data.Slice(pos, length)))
                {
                    return false;
                }

                break;
            case Hex:
                if (!TryVarInt(data, ref pos, out length) || length > data.Length - pos)
                {
                    return false;
                }

                break;
            default:
                return false;
        }

        pos += length;
        stored[at] = true;
        return true;
    }
}
