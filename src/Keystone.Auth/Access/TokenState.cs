using System.Buffers;
using System.Security.Cryptography;

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
/// catalog: services:varint length:varint bytes   (the in-memory CompactCatalog form)
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
        TokenStateWriter.Byte(writer, Version);
        TokenStateWriter.Byte(writer, access.IssuedAt is null ? (byte)0 : HasIssuedAt);
        TokenStateWriter.Int64(writer, access.LocalExpiresAt.UtcTicks - now.UtcTicks);
        TokenStateWriter.Time(writer, access.ExpiresAt);
        if (access.IssuedAt is { } issued)
        {
            TokenStateWriter.Time(writer, issued);
        }

        TokenStateWriter.String(writer, access.Token);
        TokenStateWriter.List(writer, access.Methods);
        TokenStateWriter.Ref(writer, access.User is { } u ? [u.Id, u.Name, u.DomainId, u.DomainName] : null);
        TokenStateWriter.Ref(writer, access.Project is { } p ? [p.Id, p.Name, p.DomainId, p.DomainName] : null);
        TokenStateWriter.Ref(writer, access.Domain is { } d ? [d.Id, d.Name] : null);
        TokenStateWriter.String(writer, access.SystemScope);
        TokenStateWriter.String(writer, access.TrustId);
        TokenStateWriter.VarInt(writer, access.Roles.Count);
        foreach (var role in access.Roles)
        {
            TokenStateWriter.String(writer, role.Id);
            TokenStateWriter.String(writer, role.Name);
        }

        TokenStateWriter.List(writer, access.AuditIds);
        var catalog = access.Catalog.EncodedData;
        TokenStateWriter.VarInt(writer, access.Catalog.ServiceCount);
        TokenStateWriter.VarInt(writer, catalog.Length);
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

        var reader = new TokenStateReader(data[..^CheckBytes]) { Pos = Magic.Length + 1 };
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

    internal static InvalidResponseException Invalid(string why) => new($"Not an exported AccessInfo: {why}");

}
