using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Keystone.Auth.Access;

internal static partial class CompactCatalog
{
    /// <summary>Encodes <paramref name="services"/>; the result is exactly as long as the encoding.</summary>
    /// <exception cref="ArgumentException">A service or endpoint is null, or a field is not well-formed UTF-16.</exception>
    public static byte[] Encode(IReadOnlyList<CatalogService> services)
    {
        using var writer = new Writer(Math.Max(256, services.Count * 256));
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

            writer.WriteService(s, service, endpoints);
        }

        return writer.ToArray();
    }

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

    /// <summary>
    /// The flag bits for an interface as the catalog wrote it. Only the exact
    /// v3 names select (keystoneauth's v3 catalog compares them as written);
    /// any other spelling is kept as text for <see cref="ServiceCatalog.Services"/>.
    /// </summary>
    private static byte InterfaceFlags(string? written) => written switch
    {
        "public" => (byte)EndpointInterface.Public,
        "internal" => (byte)EndpointInterface.Internal,
        "admin" => (byte)EndpointInterface.Admin,
        _ => InterfaceText | Unparsed,
    };

    /// <summary>Writes one catalog; runs once per token.</summary>
    private sealed class Writer(int capacity) : IDisposable
    {
        // First occurrence (tag position) of every string written, so a repeat
        // costs a back-reference instead of a copy.
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        // Where the writer is, for the error message of a malformed string.
        private int _service;
        private int _endpoint;

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

        public void WriteService(int index, CatalogService service, IReadOnlyList<CatalogEndpoint> endpoints)
        {
            (_service, _endpoint) = (index, -1);
            var skipAt = _length;
            Reserve(SkipBytes);
            _length += SkipBytes;

            WriteString(service.Type, "type");
            WriteString(service.Name, "name");
            WriteString(service.Id, "id");
            WriteVarInt(endpoints.Count);

            for (var e = 0; e < endpoints.Count; e++)
            {
                _endpoint = e;
                var endpoint = endpoints[e];
                var (prefix, rest) = SplitUrl(endpoint.Url ?? string.Empty);
                var flags = InterfaceFlags(endpoint.Interface);
                if (!IsUsableUrl(endpoint.Url))
                {
                    flags |= UnusableUrl;
                }

                WriteByte(flags);
                if ((flags & InterfaceText) != 0)
                {
                    WriteString(endpoint.Interface, "interface");
                }

                WriteString(endpoint.Id, "id");
                WriteString(endpoint.Region, "region");
                WriteString(endpoint.RegionId, "region_id");
                WriteString(prefix, "url");
                WriteString(rest, "url");
            }

            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(skipAt), _length - skipAt - SkipBytes);
        }

        private void WriteString(string? value, string field)
        {
            if (value is null)
            {
                WriteByte(Null);
                return;
            }

            if (_seen.TryGetValue(value, out var first) && 1 + VarIntLength(first) < 2 + value.Length)
            {
                WriteByte(Back);
                WriteVarInt(first);
                return;
            }

            var position = _length;
            if (IsLowerHex(value))
            {
                WriteByte(Hex);
                WriteVarInt(value.Length / 2);
                Reserve(value.Length / 2);
                for (var i = 0; i < value.Length; i += 2)
                {
                    _buffer[_length++] = (byte)((HexValue(value[i]) << 4) | HexValue(value[i + 1]));
                }
            }
            else
            {
                WriteUtf8(value, field);
            }

            _seen.TryAdd(value, position);
        }

        private void WriteUtf8(string value, string field)
        {
            var count = Encoding.UTF8.GetByteCount(value);
            WriteByte(Inline);
            WriteVarInt(count);
            Reserve(count);
            var status = Utf8.FromUtf16(value, _buffer.AsSpan(_length, count), out _, out var written, replaceInvalidSequences: false);

            // Lone surrogates cannot come from a token response (the JSON reader
            // refuses them); a caller's own records may hold one. UTF-8 would turn
            // it into U+FFFD and a lookup for the original would silently miss, so
            // the value is refused, naming where it is (not what it is).
            if (status != OperationStatus.Done || written != count)
            {
                var where = _endpoint < 0 ? $"service {_service}" : $"endpoint {_endpoint} of service {_service}";
                throw new ArgumentException($"The {field} of {where} is not well-formed UTF-16 (it has a lone surrogate), so it cannot be kept as written.");
            }

            _length += written;
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

        private static int VarIntLength(int value)
        {
            var length = 1;
            for (var v = (uint)value; v >= 0x80; v >>= 7)
            {
                length++;
            }

            return length;
        }

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
}
