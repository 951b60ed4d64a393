using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>
/// The export form of an <see cref="AccessInfo"/> (<see cref="AccessInfo.Export"/>):
/// compact, versioned, lossless, and read back only after every byte is checked.
/// </summary>
/// <remarks>
/// <para>
/// Layout, version 1 (integers little-endian):
/// <code>
/// magic "KSAT" version:u8=1 flags:u8 (bit 0: issued_at present)
/// remaining:i64            local life left at export, in ticks (may be negative)
/// expires:i64 offset:i16   expires_at (UTC ticks, offset minutes), Keystone's clock
/// [issued:i64 offset:i16]  issued_at, when flag bit 0
/// token:str methods:list user:ref4 project:ref4 domain:ref2 system:str trust:str
/// roles:count (id:str name:str)* audit_ids:list
/// catalog: services:varint length:varint bytes   (the in-memory CatalogFormat)
/// check:8 bytes            the first 8 bytes of SHA-256 over everything before
/// str  := varint h; 0 = null; else (h-1)&amp;1 = 0: UTF-8, 1: UTF-16LE; (h-1)&gt;&gt;1 = byte length
/// list := varint count, str*        ref4/ref2 := u8 present [4/2 str]
/// </code>
/// </para>
/// <para>
/// Why the remaining life and not the local expiry instant: the importer may be
/// another host whose clock differs; "valid for N more seconds" means the same
/// on both, so the importer sets its local expiry to its now plus N. The
/// checksum is against corruption (a truncated Redis value, a flipped bit), not
/// against an attacker: the store that keeps the form protects it.
/// </para>
/// </remarks>
internal static class TokenState
{
    /// <summary>The largest form <see cref="Read"/> accepts; far above any real token, small enough to refuse garbage cheaply.</summary>
    public const int MaxBytes = 16 * 1024 * 1024;

    private const byte Version = 1;
    private const int CheckBytes = 8;
    private const byte HasIssuedAt = 1;
    private static ReadOnlySpan<byte> Magic => "KSAT"u8;

    public static byte[] Write(AccessInfo access, DateTimeOffset now)
    {
        var writer = new ArrayBufferWriter<byte>(256 + access.Catalog.EncodedData.Length);
        writer.Write(Magic);
        Byte(writer, Version);
        Byte(writer, access.IssuedAt is null ? (byte)0 : HasIssuedAt);
        Int64(writer, access.LocalExpiresAt.UtcTicks - now.UtcTicks);
        Time(writer, access.ExpiresAt);
        if (access.IssuedAt is { } issued)
        {
            Time(writer, issued);
        }

        String(writer, access.Token);
        List(writer, access.Methods);
        Ref(writer, access.User is { } u ? [u.Id, u.Name, u.DomainId, u.DomainName] : null);
        Ref(writer, access.Project is { } p ? [p.Id, p.Name, p.DomainId, p.DomainName] : null);
        Ref(writer, access.Domain is { } d ? [d.Id, d.Name] : null);
        String(writer, access.SystemScope);
        String(writer, access.TrustId);
        VarInt(writer, access.Roles.Count);
        foreach (var role in access.Roles)
        {
            String(writer, role.Id);
            String(writer, role.Name);
        }

        List(writer, access.AuditIds);
        var catalog = access.Catalog.EncodedData;
        VarInt(writer, access.Catalog.ServiceCount);
        VarInt(writer, catalog.Length);
        writer.Write(catalog);

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(writer.WrittenSpan, hash);
        writer.Write(hash[..CheckBytes]);
        return writer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidResponseException">The bytes are not a complete, intact form of a version this library reads.</exception>
    public static AccessInfo Read(ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        if (data.Length > MaxBytes)
        {
            throw Invalid($"it is {data.Length} bytes, more than the {MaxBytes} accepted");
        }

        if (data.Length < Magic.Length + 2 + CheckBytes || !data[..Magic.Length].SequenceEqual(Magic))
        {
            throw Invalid("it does not start with the export header");
        }

        if (data[Magic.Length] != Version)
        {
            throw Invalid($"it is version {data[Magic.Length]}; this library reads version {Version}");
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data[..^CheckBytes], hash);
        if (!CryptographicOperations.FixedTimeEquals(hash[..CheckBytes], data[^CheckBytes..]))
        {
            throw Invalid("it is truncated or corrupt (checksum mismatch)");
        }

        var reader = new Reader(data[..^CheckBytes]) { Pos = Magic.Length + 1 };
        var flags = reader.Byte();
        if ((flags & ~HasIssuedAt) != 0)
        {
            throw Invalid("it has unknown flags");
        }

        var remaining = reader.Int64();
        var expiresAt = reader.Time();
        DateTimeOffset? issuedAt = (flags & HasIssuedAt) != 0 ? reader.Time() : null;
        var token = reader.String() ?? throw Invalid("it has no token");
        var methods = reader.List();
        var user = reader.Ref(4) is { } u ? new TokenUser(u[0]!, u[1], u[2], u[3]) : null;
        var project = reader.Ref(4) is { } p ? new TokenProject(p[0]!, p[1], p[2], p[3]) : null;
        var domain = reader.Ref(2) is { } d ? new TokenDomain(d[0]!, d[1]) : null;
        var system = reader.String();
        var trust = reader.String();
        var roles = new TokenRole[reader.Count()];
        for (var i = 0; i < roles.Length; i++)
        {
            roles[i] = new TokenRole(reader.String()!, reader.String()!);
        }

        var auditIds = reader.List();
        var services = reader.Count();
        var catalogBytes = reader.Bytes(reader.Count());
        if (reader.Pos != reader.Data.Length)
        {
            throw Invalid("it has bytes after the catalog");
        }

        var catalog = ServiceCatalog.FromEncoded(catalogBytes, services) ?? throw Invalid("its catalog is malformed");

        // The local expiry is rebuilt from this host's clock; the Keystone times are kept as Keystone wrote them.
        var localExpiresAt = SafeTime.Add(now, remaining);
        return new AccessInfo(localExpiresAt)
        {
            Token = token,
            ExpiresAt = expiresAt,
            IssuedAt = issuedAt,
            RequestedAt = issuedAt is { } issued && expiresAt > issued ? SafeTime.Add(localExpiresAt, -(expiresAt.UtcTicks - issued.UtcTicks)) : null,
            Methods = methods,
            User = user,
            Project = project,
            Domain = domain,
            SystemScope = system,
            TrustId = trust,
            Roles = roles,
            AuditIds = auditIds,
            Catalog = catalog,
        };
    }

    private static InvalidResponseException Invalid(string why) => new($"Not an exported AccessInfo: {why}");

    private static void Byte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void Int64(ArrayBufferWriter<byte> writer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
        writer.Advance(8);
    }

    private static void Time(ArrayBufferWriter<byte> writer, DateTimeOffset value)
    {
        Int64(writer, value.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(writer.GetSpan(2), (short)value.Offset.TotalMinutes);
        writer.Advance(2);
    }

    private static void VarInt(ArrayBufferWriter<byte> writer, int value)
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

    private static void String(ArrayBufferWriter<byte> writer, string? value)
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

    private static void List(ArrayBufferWriter<byte> writer, IReadOnlyList<string> values)
    {
        VarInt(writer, values.Count);
        foreach (var value in values)
        {
            String(writer, value);
        }
    }

    private static void Ref(ArrayBufferWriter<byte> writer, string?[]? fields)
    {
        Byte(writer, fields is null ? (byte)0 : (byte)1);
        foreach (var field in fields ?? [])
        {
            String(writer, field);
        }
    }

    /// <summary>Reads the form; every read checks the bytes left and fails with <see cref="InvalidResponseException"/>.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
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
                throw Invalid("it has a time out of range");
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
                throw Invalid("it is truncated");
            }

            var bytes = Data.Slice(Pos, count);
            Pos += count;
            return bytes;
        }

        /// <summary>A count of items, each at least one byte: never more than the bytes left.</summary>
        public int Count()
        {
            if (!CatalogCheck.TryVarInt(Data, ref Pos, out var value) || value > Data.Length - Pos)
            {
                throw Invalid("it is truncated");
            }

            return value;
        }

        public string? String()
        {
            // The header is about twice the length: it is bounded by Bytes below, not here.
            if (!CatalogCheck.TryVarInt(Data, ref Pos, out var header))
            {
                throw Invalid("it is truncated");
            }

            if (header == 0)
            {
                return null;
            }

            var utf16 = ((header - 1) & 1) != 0;
            var bytes = Bytes((header - 1) >> 1);
            if (!utf16)
            {
                return Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : throw Invalid("it has a string that is not UTF-8");
            }

            if (bytes.Length % 2 != 0)
            {
                throw Invalid("it has a UTF-16 string of an odd length");
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
                    throw Invalid("it has an unknown marker");
            }
        }
    }
}
