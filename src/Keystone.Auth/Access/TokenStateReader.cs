using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>Reads the fields of the <see cref="TokenState"/> form; every read checks the bytes left and fails with <see cref="InvalidResponseException"/>.</summary>
internal ref struct TokenStateReader(ReadOnlySpan<byte> data)
{
    public readonly ReadOnlySpan<byte> Data = data;
    public int Pos;

    public byte Byte() => Bytes(1)[0];

    public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

    public DateTimeOffset Time()
    {
        var ticks = Int64();
        var minutes = BinaryPrimitives.ReadInt16LittleEndian(Bytes(2));
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || minutes is < -14 * 60 or > 14 * 60)
        {
            throw TokenState.Invalid("it has a time out of range");
        }

        // The offset only changes how the instant is shown; keep the instant when the offset cannot show it.
        var utc = new DateTimeOffset(ticks, TimeSpan.Zero);
        var local = ticks + (minutes * TimeSpan.TicksPerMinute);
        return local >= DateTimeOffset.MinValue.Ticks && local <= DateTimeOffset.MaxValue.Ticks
            ? utc.ToOffset(TimeSpan.FromMinutes(minutes))
            : utc;
    }

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > Data.Length - Pos)
        {
            throw TokenState.Invalid("it is truncated");
        }

        var bytes = Data.Slice(Pos, count);
        Pos += count;
        return bytes;
    }

    /// <summary>A count of items, each at least one byte: never more than the bytes left.</summary>
    public int Count()
    {
        if (!CompactCatalog.TryVarInt(Data, ref Pos, out var value) || value > Data.Length - Pos)
        {
            throw TokenState.Invalid("it is truncated");
        }

        return value;
    }

    public string? String()
    {
        // The header is about twice the length: it is bounded by Bytes below, not here.
        if (!CompactCatalog.TryVarInt(Data, ref Pos, out var header))
        {
            throw TokenState.Invalid("it is truncated");
        }

        if (header == 0)
        {
            return null;
        }

        var utf16 = ((header - 1) & 1) != 0;
        var bytes = Bytes((header - 1) >> 1);
        if (!utf16)
        {
            return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : throw TokenState.Invalid("it has a string that is not UTF-8");
        }

        if (bytes.Length % 2 != 0)
        {
            throw TokenState.Invalid("it has a UTF-16 string of an odd length");
        }

        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        }

        return new string(chars);
    }

    public string[] List()
    {
        var values = new string[Count()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = String()!;
        }

        return values;
    }

    public string?[]? Ref(int fields)
    {
        switch (Byte())
        {
            case 0:
                return null;
            case 1:
                var values = new string?[fields];
                for (var i = 0; i < fields; i++)
                {
                    values[i] = String();
                }

                return values;
            default:
                throw TokenState.Invalid("it has an unknown marker");
        }
    }
}
