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
    /// <exception cref="ArgumentException">A service or an endpoint in it is null, or a field holds a lone UTF-16 surrogate.</exception>
    public ServiceCatalog(IReadOnlyList<CatalogService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _data = services.Count == 0 ? [] : CompactCatalog.Encode(services);
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

        if (!CompactCatalog.IsWellFormed(data, serviceCount))
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
                services = CompactCatalog.Decode(_data, _serviceCount);
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

        if (CompactCatalog.TryFind(_data, _serviceCount, filter, out url, out var usedFallbacks))
        {
            // When the fallback list could have changed the answer, remember
            // what it held: the caller may edit that list in place.
            var fallbacks = usedFallbacks ? filter.FallbackInterfaces?.ToArray() : null;
            Volatile.Write(ref _last, new Resolved(filter, fallbacks, url));
            return true;
        }

        url = null;
        return false;
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
