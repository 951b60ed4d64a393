using System.Diagnostics.CodeAnalysis;

namespace Keystone.Auth.Endpoints;

/// <summary>
/// One immutable state of an <see cref="EndpointMap"/>: region → service type →
/// services of that type (name, URL per interface). Built from Keystone's lists,
/// the host overrides and the URL templates; replaced whole, never changed, so
/// lookups take no lock.
/// </summary>
internal sealed class EndpointMapSnapshot
{
    private readonly Dictionary<string, Dictionary<string, List<ServiceUrls>>> _regions;

    private EndpointMapSnapshot(Dictionary<string, Dictionary<string, List<ServiceUrls>>> regions) => _regions = regions;

    public static EndpointMapSnapshot Empty { get; } = new(new Dictionary<string, Dictionary<string, List<ServiceUrls>>>(StringComparer.Ordinal));

    public IReadOnlyCollection<string> Regions => _regions.Keys;

    /// <summary>
    /// Builds a snapshot. Disabled services and endpoints, endpoints without a
    /// region, of an unknown service or whose URL is not absolute http(s) are
    /// left out; among duplicates the first listed wins (as in the catalog).
    /// </summary>
    public static EndpointMapSnapshot Build(
        EndpointListing listing,
        IReadOnlyDictionary<string, string> hosts,
        IDictionary<string, string> templates)
    {
        var services = new Dictionary<string, KeystoneService>(StringComparer.Ordinal);
        foreach (var service in listing.Services)
        {
            if (service.Enabled)
            {
                services.TryAdd(service.Id, service);
            }
        }

        var regions = new Dictionary<string, Dictionary<string, List<ServiceUrls>>>(StringComparer.Ordinal);
        var firstHost = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var region in listing.Regions)
        {
            regions.TryAdd(region.Id, new Dictionary<string, List<ServiceUrls>>(StringComparer.Ordinal));
        }

        foreach (var endpoint in listing.Endpoints)
        {
            if (!endpoint.Enabled || endpoint.RegionId is not { Length: > 0 } regionId
                || !services.TryGetValue(endpoint.ServiceId, out var service)
                || !RegionHost.IsServiceUrl(endpoint.Url) || !IsKnown(endpoint.Interface))
            {
                continue;
            }

            if (!regions.TryGetValue(regionId, out var types))
            {
                regions[regionId] = types = new Dictionary<string, List<ServiceUrls>>(StringComparer.Ordinal);
            }

            firstHost.TryAdd(regionId, RegionHost.HostOf(endpoint.Url));
            if (!types.TryGetValue(service.Type, out var ofType))
            {
                types[service.Type] = ofType = [];
            }

            var entry = ofType.Find(s => s.ServiceId == service.Id);
            if (entry is null)
            {
                ofType.Add(entry = new ServiceUrls(service.Id, service.Name));
            }

            entry.Urls[(int)endpoint.Interface] ??= endpoint.Url;
        }

        foreach (var (regionId, host) in hosts)
        {
            if (!regions.TryGetValue(regionId, out var types))
            {
                regions[regionId] = types = new Dictionary<string, List<ServiceUrls>>(StringComparer.Ordinal);
            }

            foreach (var entry in types.Values.SelectMany(list => list))
            {
                for (var i = 0; i < entry.Urls.Length; i++)
                {
                    if (entry.Urls[i] is { } url)
                    {
                        entry.Urls[i] = RegionHost.Replace(url, host);
                    }
                }
            }
        }

        if (templates.Count > 0)
        {
            foreach (var (regionId, types) in regions)
            {
                var host = hosts.TryGetValue(regionId, out var set) ? set : firstHost.GetValueOrDefault(regionId);
                if (host is null)
                {
                    continue;
                }

                foreach (var (type, template) in templates)
                {
                    if (!types.ContainsKey(type))
                    {
                        var entry = new ServiceUrls(null, null);
                        Array.Fill(entry.Urls, template.Replace(RegionHost.Placeholder, host, StringComparison.Ordinal));
                        types[type] = [entry];
                    }
                }
            }
        }

        return new EndpointMapSnapshot(regions);
    }

    public bool HasRegion(string region) => _regions.ContainsKey(region);

    /// <summary>
    /// The URL for <paramref name="filter"/> in <paramref name="region"/>: its
    /// interface, then its fallbacks; a service name is matched unless the
    /// listed service has none (as keystoneauth treats a nameless service).
    /// </summary>
    public bool TryGet(string region, EndpointFilter filter, [NotNullWhen(true)] out string? url)
    {
        url = null;
        if (!_regions.TryGetValue(region, out var types) || !types.TryGetValue(filter.ServiceType, out var services))
        {
            return false;
        }

        if (Find(services, filter.Interface, filter.ServiceName, out url))
        {
            return true;
        }

        if (filter.FallbackInterfaces is { } more)
        {
            for (var i = 0; i < more.Count; i++)
            {
                if (Find(services, more[i], filter.ServiceName, out url))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Find(List<ServiceUrls> services, EndpointInterface wanted, string? name, [NotNullWhen(true)] out string? url)
    {
        url = null;
        if (!IsKnown(wanted))
        {
            return false;
        }

        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            if (name is not null && !string.IsNullOrEmpty(service.Name) && !string.Equals(name, service.Name, StringComparison.Ordinal))
            {
                continue;
            }

            if (service.Urls[(int)wanted] is { } found)
            {
                url = found;
                return true;
            }
        }

        return false;
    }

    private static bool IsKnown(EndpointInterface value) => value is EndpointInterface.Public or EndpointInterface.Internal or EndpointInterface.Admin;

    private sealed class ServiceUrls(string? serviceId, string? name)
    {
        public string? ServiceId { get; } = serviceId;

        public string? Name { get; } = name;

        // Indexed by EndpointInterface: public, internal, admin.
        public string?[] Urls { get; } = new string?[3];
    }
}

/// <summary>What Keystone listed at one refresh, kept so a host change rebuilds without asking again.</summary>
internal sealed record EndpointListing(
    IReadOnlyList<KeystoneRegion> Regions,
    IReadOnlyList<KeystoneService> Services,
    IReadOnlyList<KeystoneEndpoint> Endpoints)
{
    public static EndpointListing Empty { get; } = new([], [], []);
}
