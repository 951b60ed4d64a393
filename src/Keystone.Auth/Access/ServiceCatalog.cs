using System.Diagnostics.CodeAnalysis;
using Keystone.Auth.Access;

namespace Keystone.Auth;

/// <summary>
/// The service catalog that came with a token: where each OpenStack service
/// answers, per interface and region. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// A controller caches one catalog per subcloud, so the catalog is stored
/// compactly (UTF-8, ids as bytes, each repeated string once; about a tenth of
/// the memory of records and strings). Endpoint lookup reads that form in place
/// and remembers the last filter's answer, so a session resolving the same
/// service on every request allocates nothing. <see cref="Services"/> builds the
/// records on first use.
/// </remarks>
public sealed class ServiceCatalog
{
    private readonly byte[] _data;
    private readonly int _serviceCount;
    private CatalogService[]? _services;

    // The last successful lookup. Replaced whole (never mutated), so a reader
    // always sees a filter together with its own URL.
    private Resolved? _last;

    /// <summary>A catalog with no services (unscoped token, or <c>?nocatalog</c>).</summary>
    public static ServiceCatalog Empty { get; } = new([]);

    /// <summary>Creates a catalog from its services, in catalog order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException">A service or an endpoint in it is null.</exception>
    public ServiceCatalog(IReadOnlyList<CatalogService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _data = services.Count == 0 ? [] : CatalogWriter.Encode(services);
        _serviceCount = services.Count;
    }

    private ServiceCatalog(byte[] data, int serviceCount)
    {
        _data = data;
        _serviceCount = serviceCount;
    }

    /// <summary>The compact form, for <see cref="AccessInfo.Export"/>.</summary>
    internal ReadOnlySpan<byte> EncodedData => _data;

    /// <summary>How many services the compact form holds.</summary>
    internal int ServiceCount => _serviceCount;

    /// <summary>
    /// A catalog from an exported compact form, or null when the bytes are not
    /// one. The bytes are checked first, then decoded and encoded again, so the
    /// result is exactly what this process would have built (flags such as
    /// unusable URLs are decided here, never taken from the input).
    /// </summary>
    internal static ServiceCatalog? FromEncoded(ReadOnlySpan<byte> data, int serviceCount)
    {
        if (serviceCount == 0)
        {
            return data.IsEmpty ? Empty : null;
        }

        if (!CatalogCheck.IsWellFormed(data, serviceCount))
        {
            return null;
        }

        return new ServiceCatalog(new ServiceCatalog(data.ToArray(), serviceCount).Services);
    }

    /// <summary>The services, in catalog order. Built from the compact form on first use, then kept.</summary>
    public IReadOnlyList<CatalogService> Services
    {
        get
        {
            var services = Volatile.Read(ref _services);
            if (services is null)
            {
                services = Decode();
                Interlocked.CompareExchange(ref _services, services, null);
                services = _services!;
            }

            return services;
        }
    }

    /// <summary>True when the catalog has no service at all.</summary>
    public bool IsEmpty => _serviceCount == 0;

    /// <summary>How many bytes the catalog's compact form takes (diagnostics and benchmarks).</summary>
    internal int EncodedLength => _data.Length;

    /// <summary>Finds the URL of the endpoint the filter selects.</summary>
    /// <exception cref="EndpointNotFoundException">Nothing matches; the message names the filter.</exception>
    public string GetEndpoint(EndpointFilter filter)
    {
        if (TryGetEndpoint(filter, out var url))
        {
            return url;
        }

        throw new EndpointNotFoundException(filter, IsEmpty);
    }

    /// <summary>Finds the URL of the endpoint the filter selects, without throwing.</summary>
    public bool TryGetEndpoint(EndpointFilter filter, [NotNullWhen(true)] out string? url)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Answers(filter))
        {
            url = last.Url;
            return true;
        }

        if (TryMatch(filter, filter.Interface, out url))
        {
            Volatile.Write(ref _last, new Resolved(filter, null, url));
            return true;
        }

        if (filter.FallbackInterfaces is { } fallbacks)
        {
            for (var i = 0; i < fallbacks.Count; i++)
            {
                if (TryMatch(filter, fallbacks[i], out url))
                {
                    // The answer came from the fallback list, which the caller may
                    // change in place: remember what it held.
                    Volatile.Write(ref _last, new Resolved(filter, fallbacks.ToArray(), url));
                    return true;
                }
            }
        }

        url = null;
        return false;
    }

    private bool TryMatch(EndpointFilter filter, EndpointInterface wanted, [NotNullWhen(true)] out string? url)
    {
        // An undefined value (a cast integer) names no interface; it must not
        // match the code the compact form gives unparsable interface names.
        if (wanted is not (EndpointInterface.Public or EndpointInterface.Internal or EndpointInterface.Admin))
        {
            url = null;
            return false;
        }

        ReadOnlySpan<byte> data = _data;
        var pos = 0;
        for (var s = 0; s < _serviceCount; s++)
        {
            var next = CatalogReader.ReadSkip(data, ref pos);
            next += pos;
            if (!CatalogReader.StringEquals(data, pos, filter.ServiceType))
            {
                pos = next;
                continue;
            }

            CatalogReader.SkipString(data, ref pos);
            if (filter.ServiceName is not null && !CatalogReader.StringEquals(data, pos, filter.ServiceName))
            {
                pos = next;
                continue;
            }

            CatalogReader.SkipString(data, ref pos); // name
            CatalogReader.SkipString(data, ref pos); // id
            var count = CatalogReader.ReadVarInt(data, ref pos);
            var fields = default(EndpointFields);
            for (var e = 0; e < count; e++)
            {
                CatalogReader.ReadEndpoint(data, ref pos, ref fields);
                // Empty or unusable URLs (relative, ftp:, file:, ...) are skipped like missing ones.
                if (fields.Interface != (int)wanted
                    || (fields.Flags & CatalogFormat.UnusableUrl) != 0
                    || (CatalogReader.IsNullOrEmpty(data, fields.Prefix) && CatalogReader.IsNullOrEmpty(data, fields.Rest)))
                {
                    continue;
                }

                // keystoneauth compares region_id first and falls back to the
                // legacy region field only when region_id is absent.
                if (filter.RegionName is not null
                    && !CatalogReader.StringEquals(data, CatalogReader.IsNullOrEmpty(data, fields.RegionId) ? fields.Region : fields.RegionId, filter.RegionName))
                {
                    continue;
                }

                url = CatalogReader.ReadUrl(data, fields.Prefix, fields.Rest);
                return true;
            }

            pos = next;
        }

        url = null;
        return false;
    }

    private CatalogService[] Decode()
    {
        ReadOnlySpan<byte> data = _data;
        var shared = new Dictionary<int, string>();
        var urls = new Dictionary<(int, int), string>();
        var services = new CatalogService[_serviceCount];
        var pos = 0;
        for (var s = 0; s < services.Length; s++)
        {
            CatalogReader.ReadSkip(data, ref pos);
            var type = CatalogReader.ReadString(data, pos, shared);
            CatalogReader.SkipString(data, ref pos);
            var name = CatalogReader.ReadString(data, pos, shared);
            CatalogReader.SkipString(data, ref pos);
            var id = CatalogReader.ReadString(data, pos, shared);
            CatalogReader.SkipString(data, ref pos);

            var endpoints = new CatalogEndpoint[CatalogReader.ReadVarInt(data, ref pos)];
            var fields = default(EndpointFields);
            for (var e = 0; e < endpoints.Length; e++)
            {
                CatalogReader.ReadEndpoint(data, ref pos, ref fields);
                var written = fields.InterfaceText >= 0
                    ? CatalogReader.ReadString(data, fields.InterfaceText, shared)
                    : EndpointFilter.InterfaceName((EndpointInterface)fields.Interface);

                var key = (CatalogReader.Resolve(data, fields.Prefix), CatalogReader.Resolve(data, fields.Rest));
                if (!urls.TryGetValue(key, out var url))
                {
                    url = CatalogReader.ReadUrl(data, fields.Prefix, fields.Rest, shared);
                    urls.Add(key, url);
                }

                endpoints[e] = new CatalogEndpoint(
                    CatalogReader.ReadString(data, fields.Id, shared),
                    written!,
                    CatalogReader.ReadString(data, fields.Region, shared),
                    CatalogReader.ReadString(data, fields.RegionId, shared),
                    url);
            }

            services[s] = new CatalogService(type!, name, id, endpoints);
        }

        return services;
    }

    private sealed class Resolved(EndpointFilter filter, EndpointInterface[]? fallbacks, string url)
    {
        public string Url { get; } = url;

        /// <summary>
        /// True when <paramref name="other"/> selects what <see cref="Url"/> answered:
        /// an equal filter and, when a fallback interface gave the answer, the
        /// same fallback list as then.
        /// </summary>
        public bool Answers(EndpointFilter other)
        {
            if (!ReferenceEquals(filter, other) && !filter.Equals(other))
            {
                return false;
            }

            return fallbacks is null
                || (other.FallbackInterfaces is { } now && now.Count == fallbacks.Length && SameAs(now, fallbacks));
        }

        private static bool SameAs(IReadOnlyList<EndpointInterface> now, EndpointInterface[] then)
        {
            for (var i = 0; i < then.Length; i++)
            {
                if (now[i] != then[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
