using System.Diagnostics.CodeAnalysis;

namespace Keystone.Auth.Access;

/// <summary>
/// The lookup walk over the form, with keystoneauth's selection rules, and the
/// decoding of the whole catalog into records.
/// </summary>
internal static partial class CompactCatalog
{
    /// <summary>
    /// Finds the endpoint <paramref name="filter"/> selects, as keystoneauth's v3
    /// catalog would: service types in alias preference order (the requested
    /// type, then the types <see cref="ServiceTypeAliases"/> lets it find); for
    /// one type, the interfaces in order; for one interface, services and
    /// endpoints in catalog order; the first match wins.
    /// </summary>
    /// <param name="data">The catalog's bytes.</param>
    /// <param name="serviceCount">How many services they hold.</param>
    /// <param name="filter">What to find.</param>
    /// <param name="url">The URL found.</param>
    /// <param name="usedFallbacks">
    /// True when the answer could have been another one with other fallback
    /// interfaces (anything but the requested type on the first interface).
    /// </param>
    public static bool TryFind(ReadOnlySpan<byte> data, int serviceCount, EndpointFilter filter, [NotNullWhen(true)] out string? url, out bool usedFallbacks)
    {
        var others = ServiceTypeAliases.OthersFor(filter.ServiceType);
        var fallbacks = filter.FallbackInterfaces;
        for (var t = -1; t < others.Length; t++)
        {
            var type = t < 0 ? filter.ServiceType : others[t];
            if (TryMatch(data, serviceCount, filter, type, filter.Interface, out url))
            {
                usedFallbacks = t >= 0;
                return true;
            }

            for (var i = 0; fallbacks is not null && i < fallbacks.Count; i++)
            {
                if (TryMatch(data, serviceCount, filter, type, fallbacks[i], out url))
                {
                    usedFallbacks = true;
                    return true;
                }
            }
        }

        url = null;
        usedFallbacks = false;
        return false;
    }

    private static bool TryMatch(ReadOnlySpan<byte> data, int serviceCount, EndpointFilter filter, string type, EndpointInterface wanted, [NotNullWhen(true)] out string? url)
    {
        // An undefined value (a cast integer) names no interface; it must not
        // match the code the form gives other interface spellings.
        if (wanted is not (EndpointInterface.Public or EndpointInterface.Internal or EndpointInterface.Admin))
        {
            url = null;
            return false;
        }

        // keystoneauth: an empty requested name or region is no constraint.
        var name = string.IsNullOrEmpty(filter.ServiceName) ? null : filter.ServiceName;
        var region = string.IsNullOrEmpty(filter.RegionName) ? null : filter.RegionName;
        var pos = 0;
        for (var s = 0; s < serviceCount; s++)
        {
            var next = ReadSkip(data, ref pos);
            next += pos;
            if (!StringEquals(data, pos, type))
            {
                pos = next;
                continue;
            }

            SkipString(data, ref pos);

            // A nameless service (no name, or the empty one Keystone's SQL
            // catalog stores) matches any requested name, as in keystoneauth.
            if (name is not null && !IsNullOrEmpty(data, pos) && !StringEquals(data, pos, name))
            {
                pos = next;
                continue;
            }

            SkipString(data, ref pos); // name
            SkipString(data, ref pos); // id
            var count = ReadVarInt(data, ref pos);
            for (var e = 0; e < count; e++)
            {
                var fields = ReadEndpoint(data, ref pos);

                // Empty or unusable URLs (relative, ftp:, file:, ...) are skipped like missing ones.
                if (fields.Interface != (int)wanted
                    || (fields.Flags & UnusableUrl) != 0
                    || (IsNullOrEmpty(data, fields.Prefix) && IsNullOrEmpty(data, fields.Rest)))
                {
                    continue;
                }

                // keystoneauth compares region_id first and falls back to the
                // legacy region field only when region_id is absent or empty.
                if (region is not null
                    && !StringEquals(data, IsNullOrEmpty(data, fields.RegionId) ? fields.Region : fields.RegionId, region))
                {
                    continue;
                }

                url = ReadUrl(data, fields.Prefix, fields.Rest);
                return true;
            }

            pos = next;
        }

        url = null;
        return false;
    }

    /// <summary>The catalog as records; every occurrence of one stored string is one instance.</summary>
    public static CatalogService[] Decode(ReadOnlySpan<byte> data, int serviceCount)
    {
        var shared = new Dictionary<int, string>();
        var urls = new Dictionary<(int, int), string>();
        var services = new CatalogService[serviceCount];
        var pos = 0;
        for (var s = 0; s < services.Length; s++)
        {
            ReadSkip(data, ref pos);
            var type = ReadString(data, pos, shared);
            SkipString(data, ref pos);
            var name = ReadString(data, pos, shared);
            SkipString(data, ref pos);
            var id = ReadString(data, pos, shared);
            SkipString(data, ref pos);

            var endpoints = new CatalogEndpoint[ReadVarInt(data, ref pos)];
            for (var e = 0; e < endpoints.Length; e++)
            {
                var fields = ReadEndpoint(data, ref pos);
                var written = fields.InterfaceText >= 0
                    ? ReadString(data, fields.InterfaceText, shared)
                    : EndpointFilter.InterfaceName((EndpointInterface)fields.Interface);

                var key = (Resolve(data, fields.Prefix), Resolve(data, fields.Rest));
                if (!urls.TryGetValue(key, out var url))
                {
                    url = ReadUrl(data, fields.Prefix, fields.Rest, shared);
                    urls.Add(key, url);
                }

                endpoints[e] = new CatalogEndpoint(
                    ReadString(data, fields.Id, shared),
                    written!,
                    ReadString(data, fields.Region, shared),
                    ReadString(data, fields.RegionId, shared),
                    url);
            }

            services[s] = new CatalogService(type!, name, id, endpoints);
        }

        return services;
    }
}
