using System.Diagnostics.CodeAnalysis;

namespace Keystone.Auth;

/// <summary>
/// Selects an endpoint from the service catalog: service type, interface,
/// optional region and service name. Matching follows keystoneauth's v3
/// catalog: the type also finds its service-types-authority aliases
/// (<c>block-storage</c> finds <c>volumev3</c>, and the reverse; the requested
/// type first); the region compares against <c>region_id</c>, else
/// <c>region</c>, exactly; a service without a name matches any name; an
/// endpoint's interface must be exactly <c>public</c>, <c>internal</c> or
/// <c>admin</c>; endpoints with an empty URL are skipped; among several matches
/// the first in catalog order wins. README, "Catalog rules", has the table.
/// </summary>
/// <param name="ServiceType">The catalog service type, e.g. <c>identity</c>, <c>platform</c>, or an alias of it.</param>
/// <param name="Interface">The interface wanted.</param>
/// <param name="RegionName">The region, or null or empty for any region.</param>
/// <param name="ServiceName">The catalog service name, or null or empty for any name.</param>
public sealed record EndpointFilter(
    string ServiceType,
    EndpointInterface Interface = EndpointInterface.Public,
    string? RegionName = null,
    string? ServiceName = null)
{
    /// <summary>
    /// Interfaces to try after <see cref="Interface"/>, in order of preference
    /// (keystoneauth's interface list). Null or empty: only <see cref="Interface"/>.
    /// </summary>
    public IReadOnlyList<EndpointInterface>? FallbackInterfaces { get; init; }

    /// <summary>
    /// Parses an interface name as a configuration writes it: <c>public</c>,
    /// <c>internal</c>, <c>admin</c>, or the v2 forms <c>publicURL</c>,
    /// <c>internalURL</c>, <c>adminURL</c> (any case, surrounding white space
    /// ignored). keystoneauth strips a trailing <c>URL</c> too but keeps the
    /// case, so its <c>Public</c> finds nothing; here a setting means what it
    /// says. This applies to requested names only: in the catalog an endpoint's
    /// interface must be written exactly <c>public</c>, <c>internal</c> or <c>admin</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is none of those.</exception>
    public static EndpointInterface ParseInterface(string value)
    {
        if (TryParseInterface(value, out var parsed))
        {
            return parsed;
        }

        throw new ArgumentException($"'{value}' is not an endpoint interface (public, internal, admin).", nameof(value));
    }

    /// <summary>Like <see cref="ParseInterface"/>, without throwing.</summary>
    public static bool TryParseInterface([NotNullWhen(true)] string? value, out EndpointInterface result)
    {
        var span = value.AsSpan().Trim();
        if (span.EndsWith("URL", StringComparison.OrdinalIgnoreCase))
        {
            span = span[..^3];
        }

        if (span.Equals("public", StringComparison.OrdinalIgnoreCase))
        {
            result = EndpointInterface.Public;
            return true;
        }

        if (span.Equals("internal", StringComparison.OrdinalIgnoreCase))
        {
            result = EndpointInterface.Internal;
            return true;
        }

        if (span.Equals("admin", StringComparison.OrdinalIgnoreCase))
        {
            result = EndpointInterface.Admin;
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>The lower-case name of an interface as the catalog writes it.</summary>
    public static string InterfaceName(EndpointInterface value) => value switch
    {
        EndpointInterface.Public => "public",
        EndpointInterface.Internal => "internal",
        EndpointInterface.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown endpoint interface."),
    };

    // An error message must not itself throw for a cast, undefined value.
    private static string NameOrNumber(EndpointInterface value) =>
        value is EndpointInterface.Public or EndpointInterface.Internal or EndpointInterface.Admin
            ? InterfaceName(value)
            : ((int)value).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A human-readable description used in error messages.</summary>
    internal string Describe()
    {
        var text = $"service type '{ServiceType}'";
        if (Access.ServiceTypeAliases.OthersFor(ServiceType) is { Length: > 0 } others)
        {
            // Say what else was looked for, so "not found" is not read as "alias ignored".
            text += " (or " + string.Join(", ", others.Select(o => "'" + o + "'")) + ")";
        }

        text += $", interface '{NameOrNumber(Interface)}'";
        if (FallbackInterfaces is { Count: > 0 } more)
        {
            text += " (then " + string.Join(", ", more.Select(i => "'" + NameOrNumber(i) + "'")) + ")";
        }

        text += string.IsNullOrEmpty(RegionName) ? ", any region" : $", region '{RegionName}'";
        if (!string.IsNullOrEmpty(ServiceName))
        {
            text += $", service name '{ServiceName}'";
        }

        return text;
    }
}
