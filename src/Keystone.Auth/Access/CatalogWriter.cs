using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

/// <summary>Encodes catalog services into the <see cref="CatalogFormat"/> layout. Runs once per token.</summary>
internal sealed class CatalogWriter : IDisposable
{
    // First occurrence (tag position) of every string written inline, so a
    // repeat costs a back-reference instead of a copy.
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private byte[] _buffer;
    private int _length;

    private CatalogWriter(int capacity) => _buffer = ArrayPool<byte>.Shared.Rent(capacity);

    /// <summary>Encodes <paramref name="services"/>; the result is exactly as long as the encoding.</summary>
    /// <exception cref="ArgumentException">A service or endpoint is null.</exception>
    public static byte[] Encode(IReadOnlyList<CatalogService> services)
    {
        using var writer = new CatalogWriter(Math.Max(256, services.Count * 256));
        for (var s = 0; s < services.Count; s++)
        {
            var service = services[s] ?? throw new ArgumentException($"The service at index {s} is null.", nameof(services));
            var endpoints = service.Endpoints ?? [];
            for (var e = 0; e < endpoints.Count; e++)
            {
                if (endpoints[e] is null)
                {
                    throw new ArgumentException($"Endpoint {e} of the service at index {s} is null.", nameof(services));
                }
            }

            writer.WriteService(service, endpoints);
        }

        return writer._buffer.AsSpan(0, writer._length).ToArray();
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private void WriteService(CatalogService service, IReadOnlyList<CatalogEndpoint> endpoints)
    {
        var skipAt = _length;
        Reserve(CatalogFormat.SkipBytes);
        _length += CatalogFormat.SkipBytes;

        WriteString(service.Type);
        WriteString(service.Name);
        WriteString(service.Id);
        WriteVarInt(endpoints.Count);

        string? previousRegion = null, previousRegionId = null, previousPrefix = null;
        for (var e = 0; e < endpoints.Count; e++)
        {
            var endpoint = endpoints[e];
            var (prefix, rest) = SplitUrl(endpoint.Url ?? string.Empty);

            var flags = InterfaceFlags(endpoint.Interface);
            if (e > 0 && string.Equals(endpoint.Region, previousRegion, StringComparison.Ordinal)
                && string.Equals(endpoint.RegionId, previousRegionId, StringComparison.Ordinal))
            {
                flags |= CatalogFormat.SameRegionAsPrevious;
            }
            else if (string.Equals(endpoint.Region, endpoint.RegionId, StringComparison.Ordinal))
            {
                flags |= CatalogFormat.RegionIdIsRegion;
            }

            if (e > 0 && string.Equals(prefix, previousPrefix, StringComparison.Ordinal))
            {
                flags |= CatalogFormat.SamePrefixAsPrevious;
            }

            if (!IsUsableUrl(endpoint.Url))
            {
                flags |= CatalogFormat.UnusableUrl;
            }

            WriteByte(flags);
            if ((flags & CatalogFormat.InterfaceText) != 0)
            {
                WriteString(endpoint.Interface);
            }

            WriteString(endpoint.Id);
            if ((flags & CatalogFormat.SameRegionAsPrevious) == 0)
            {
                WriteString(endpoint.Region);
                if ((flags & CatalogFormat.RegionIdIsRegion) == 0)
                {
                    WriteString(endpoint.RegionId);
                }
            }

            if ((flags & CatalogFormat.SamePrefixAsPrevious) == 0)
            {
                WriteString(prefix);
            }

            WriteString(rest);
            (previousRegion, previousRegionId, previousPrefix) = (endpoint.Region, endpoint.RegionId, prefix);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(skipAt), _length - skipAt - CatalogFormat.SkipBytes);
    }

    private static byte InterfaceFlags(string? written) => written switch
    {
        "public" => (byte)EndpointInterface.Public,
        "internal" => (byte)EndpointInterface.Internal,
        "admin" => (byte)EndpointInterface.Admin,

        // Spelled otherwise (publicURL, ADMIN, unknown): keep the text as written,
        // and the parsed value so matching never re-parses it.
        _ => (byte)(CatalogFormat.InterfaceText
            | (EndpointFilter.TryParseInterface(written, out var parsed) ? (byte)parsed : CatalogFormat.Unparsed)),
    };

    /// <summary>
    /// True for an absolute http or https URL with a host: the only kind a
    /// relative request can be joined to and sent. Decided once, when the token
    /// is parsed, so lookups stay free of parsing.
    /// </summary>
    internal static bool IsUsableUrl(string? url) =>
        url is not null
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>
    /// Splits a URL into <c>scheme://host</c> and the rest (<c>:port/path?query</c>).
    /// The hosts of a catalog are few, so the prefix is nearly always a repeat.
    /// Anything without <c>://</c> is kept whole.
    /// </summary>
    internal static (string? Prefix, string Remainder) SplitUrl(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return (null, url);
        }

        var start = scheme + 3;
        var authorityLength = url.AsSpan(start).IndexOfAny('/', '?', '#');
        var authority = authorityLength < 0 ? url.AsSpan(start) : url.AsSpan(start, authorityLength);

        // The port starts at the last ':' that is not inside an IPv6 literal.
        var colon = authority.LastIndexOf(':');
        var cut = start + (colon > authority.LastIndexOf(']') ? colon : authority.Length);
        return (url[..cut], url[cut..]);
    }

    private void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(CatalogFormat.Null);
            return;
        }

        if (CatalogVocabulary.TryGetIndex(value, out var known))
        {
            WriteByte(CatalogFormat.Known);
            WriteByte(known);
            return;
        }

        if (_seen.TryGetValue(value, out var first) && 1 + VarIntLength(first) < 2 + value.Length)
        {
            WriteByte(CatalogFormat.Back);
            WriteVarInt(first);
            return;
        }

        var position = _length;
        if (IsLowerHex(value))
        {
            WriteByte(CatalogFormat.Hex);
            WriteVarInt(value.Length / 2);
            Reserve(value.Length / 2);
            for (var i = 0; i < value.Length; i += 2)
            {
                _buffer[_length++] = (byte)((HexValue(value[i]) << 4) | HexValue(value[i + 1]));
            }
        }
        else if (!TryWriteUtf8(value))
        {
            // Not well-formed UTF-16 (a lone surrogate from a JSON escape):
            // UTF-8 would replace it, so keep the chars exactly.
            _length = position;
            WriteByte(CatalogFormat.Utf16);
            WriteVarInt(value.Length);
            Reserve(value.Length * 2);
            foreach (var c in value)
            {
                _buffer[_length++] = (byte)c;
                _buffer[_length++] = (byte)(c >> 8);
            }
        }

        _seen.TryAdd(value, position);
    }

    private bool TryWriteUtf8(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteByte(CatalogFormat.Inline);
        WriteVarInt(count);
        Reserve(count);
        var status = Utf8.FromUtf16(value, _buffer.AsSpan(_length, count), out _, out var written, replaceInvalidSequences: false);
        _length += written;
        return status == OperationStatus.Done && written == count;
    }

    private static bool IsLowerHex(string value)
    {
        if (value.Length == 0 || value.Length % 2 != 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : c - 'a' + 10;

    private void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    private void WriteVarInt(int value)
    {
        Reserve(5);
        var v = (uint)value;
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }

        _buffer[_length++] = (byte)v;
    }

    private static int VarIntLength(int value)
    {
        var length = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            length++;
        }

        return length;
    }

    private void Reserve(int count)
    {
        if (_length + count <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
