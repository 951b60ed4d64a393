using System.Diagnostics.CodeAnalysis;

namespace Keystone.Auth;

/// <summary>
/// The service catalog that came with a token: where each OpenStack service
/// answers, per interface and region. Immutable.
/// </summary>
public sealed class ServiceCatalog
{
    /// <summary>A catalog with no services (unscoped token, or <c>?nocatalog</c>).</summary>
    public static ServiceCatalog Empty { get; } = new([]);

    /// <summary>Creates a catalog from its services, in catalog order.</summary>
    public ServiceCatalog(IReadOnlyList<CatalogService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The services, in catalog order.</summary>
    public IReadOnlyList<CatalogService> Services { get; }

    /// <summary>True when the catalog has no service at all.</summary>
    public bool IsEmpty => Services.Count == 0;

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
        if (TryMatch(filter, filter.Interface, out url))
        {
            return true;
        }

        if (filter.FallbackInterfaces is { } fallbacks)
        {
            foreach (var next in fallbacks)
            {
                if (TryMatch(filter, next, out url))
                {
                    return true;
                }
            }
        }

        url = null;
        return false;
    }

    private bool TryMatch(EndpointFilter filter, EndpointInterface wanted, [NotNullWhen(true)] out string? url)
    {
        // Indexed loops: foreach over IReadOnlyList boxes an enumerator, and this
        // runs on every request with a relative URL.
        var services = Services;
        for (var s = 0; s < services.Count; s++)
        {
            var service = services[s];
            if (!string.Equals(service.Type, filter.ServiceType, StringComparison.Ordinal))
            {
                continue;
            }

            if (filter.ServiceName is not null && !string.Equals(service.Name, filter.ServiceName, StringComparison.Ordinal))
            {
                continue;
            }

            var endpoints = service.Endpoints;
            for (var e = 0; e < endpoints.Count; e++)
            {
                var endpoint = endpoints[e];
                if (string.IsNullOrEmpty(endpoint.Url)
                    || !EndpointFilter.TryParseInterface(endpoint.Interface, out var have)
                    || have != wanted)
                {
                    continue;
                }

                // keystoneauth compares region_id first and falls back to the
                // legacy region field only when region_id is absent.
                if (filter.RegionName is not null)
                {
                    var region = string.IsNullOrEmpty(endpoint.RegionId) ? endpoint.Region : endpoint.RegionId;
                    if (!string.Equals(region, filter.RegionName, StringComparison.Ordinal))
                    {
                        continue;
                    }
                }

                url = endpoint.Url;
                return true;
            }
        }

        url = null;
        return false;
    }
}
