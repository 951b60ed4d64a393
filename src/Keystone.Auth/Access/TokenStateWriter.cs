using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>Writes the fields of the <see cref="TokenState"/> form.</summary>
internal static class TokenStateWriter
{
    public static void Byte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    public static void Int64(ArrayBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    public static void Time(ArrayBufferWriter<byte> writer, DateTimeOffset value)
    {
        Int64(writer, value.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(writer.GetSpan(2), (short)value.Offset.TotalMinutes);
        writer.Advance(2);
    }

    public static void VarInt(ArrayBufferWriter<byte> writer, int value)
    {
        var span = writer.GetSpan(5);
        var length = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            span[length++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[length++] = (byte)v;
        writer.Advance(length);
    }

    public static void String(ArrayBufferWriter<byte> writer, string? value)
    {
        if (value is null)
        {
            VarInt(writer, 0);
            return;
        }

        // UTF-8 when the string is well-formed UTF-16; a lone surrogate (from a
        // JSON escape) would be replaced by UTF-8, so such a string keeps its chars.
        var bytes = Encoding.UTF8.GetByteCount(value);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, value.Length * 2));
        try
        {
            var utf8 = Utf8.FromUtf16(value, buffer, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done;
            if (!utf8)
            {
                written = value.Length * 2;
                for (var i = 0; i < value.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2 * i), value[i]);
                }
            }

            VarInt(writer, checked((written << 1) + (utf8 ? 0 : 1) + 1));
            writer.Write(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static void List(ArrayBufferWriter<byte> writer, IReadOnlyList<string> values)
    {
        VarInt(writer, values.Count);
        foreach (var value in values)
        {
            String(writer, value);
        }
    }

    public static void Ref(ArrayBufferWriter<byte> writer, string?[]? fields)
    {
        Byte(writer, fields is null ? (byte)0 : (byte)1);
        foreach (var field in fields ?? [])
        {
            String(writer, field);
        }
    }
}
