using Keystone.Auth.Endpoints;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth;

/// <summary>
/// Region → service type → interface → URL, loaded from Keystone's
/// <c>/v3/regions</c>, <c>/v3/services</c> and <c>/v3/endpoints</c> (what
/// distcloud's <c>EndpointCache</c> keeps). Share one per process (a DI
/// singleton): every session and handler that has it as
/// <see cref="KeystoneSessionOptions.EndpointResolver"/> sends a request whose
/// filter names a region to that region's listed endpoint.
/// </summary>
/// <remarks>
/// <para>A hit takes no lock and allocates nothing. The first lookup loads the
/// lists. A miss (a region or service not in the map) loads them again, once for
/// all callers that miss meanwhile (single flight), and at most once per
/// <see cref="EndpointMapOptions.MinRefreshInterval"/>: a miss within that interval
/// is an <see cref="EndpointNotFoundException"/> at once.</para>
/// <para>A filter without a region (null or empty) is answered from the token's
/// catalog, as without a map.</para>
/// </remarks>
public sealed partial class EndpointMap : IEndpointResolver
{
    private readonly Func<CancellationToken, Task<EndpointListing>> _load;
    private readonly EndpointMapOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, string> _hosts = new(StringComparer.Ordinal);

    private volatile EndpointMapSnapshot? _snapshot;
    private EndpointListing _listing = EndpointListing.Empty;
    private Task? _refreshing;
    private long? _lastRefreshStarted;
    private DateTimeOffset? _lastLoaded;

    /// <summary>Creates a map that reads its lists through <paramref name="identity"/>. Nothing is loaded until the first lookup or <see cref="RefreshAsync"/>.</summary>
    /// <param name="identity">The client that lists regions, services and endpoints (an identity allowed to).</param>
    /// <param name="options">Interfaces, refresh limit and URL templates; copied.</param>
    /// <param name="logger">Optional logger: loads and failed loads.</param>
    /// <param name="timeProvider">The clock for the refresh limit.</param>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    public EndpointMap(KeystoneIdentityClient identity, EndpointMapOptions? options = null, ILogger<EndpointMap>? logger = null, TimeProvider? timeProvider = null)
        : this(LoaderOf(identity), options, logger, timeProvider)
    {
    }

    internal EndpointMap(Func<CancellationToken, Task<EndpointListing>> load, EndpointMapOptions? options, ILogger? logger, TimeProvider? timeProvider)
    {
        options ??= new EndpointMapOptions();
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(EndpointMapOptions), failures);
        }

        _load = load;
        _options = options.Clone();
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The regions in the map now (empty before the first load).</summary>
    public IReadOnlyCollection<string> Regions => (_snapshot ?? EndpointMapSnapshot.Empty).Regions;

    /// <summary>When the lists were last loaded successfully, if ever.</summary>
    public DateTimeOffset? LastLoaded
    {
        get
        {
            lock (_gate)
            {
                return _lastLoaded;
            }
        }
    }

    /// <summary>
    /// The interface distcloud uses for <paramref name="region"/>:
    /// <see cref="EndpointMapOptions.CentralInterface"/> (internal) for the central
    /// regions, <see cref="EndpointMapOptions.SubcloudInterface"/> (admin) for the rest.
    /// </summary>
    public EndpointInterface InterfaceFor(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return _options.CentralRegions.Contains(region) ? _options.CentralInterface : _options.SubcloudInterface;
    }

    /// <summary>A filter for <paramref name="serviceType"/> in <paramref name="region"/> with the interface <see cref="InterfaceFor"/> picks.</summary>
    public EndpointFilter FilterFor(string region, string serviceType)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(serviceType);
        return new EndpointFilter(serviceType, InterfaceFor(region), region);
    }

    /// <summary>The URL of <paramref name="serviceType"/> in <paramref name="region"/>, with the interface <see cref="InterfaceFor"/> picks unless one is given.</summary>
    /// <exception cref="EndpointNotFoundException">Not in the map, even after the refresh a miss may make.</exception>
    /// <exception cref="KeystoneException">Loading the lists failed.</exception>
    public ValueTask<string> GetEndpointAsync(string region, string serviceType, EndpointInterface? endpointInterface = null, CancellationToken cancellationToken = default)
    {
        var filter = FilterFor(region, serviceType);
        return LookupAsync(region, endpointInterface is { } given ? filter with { Interface = given } : filter, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A filter without a region is answered from <paramref name="access"/>'s catalog.</remarks>
    public ValueTask<string> ResolveAsync(EndpointFilter filter, AccessInfo access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(access);
        return string.IsNullOrEmpty(filter.RegionName)
            ? new ValueTask<string>(access.Catalog.GetEndpoint(filter))
            : LookupAsync(filter.RegionName, filter, cancellationToken);
    }

    /// <summary>
    /// Loads the lists now (joining a load under way), whatever the refresh
    /// limit: at start-up, or when the caller knows endpoints changed.
    /// </summary>
    /// <exception cref="KeystoneException">Loading failed; the previous map stays in use.</exception>
    public Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        Task refresh;
        lock (_gate)
        {
            refresh = StartRefreshLocked();
        }

        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Sends every later request for <paramref name="region"/> to
    /// <paramref name="host"/> (a subcloud's management IP changed): each listed
    /// URL of the region keeps its scheme, port and path with this host, and the
    /// URL templates use it. Kept across refreshes. An IPv6 address goes into
    /// URLs in brackets. A region Keystone does not list is added, answered by the
    /// templates alone.
    /// </summary>
    /// <param name="region">The region id.</param>
    /// <param name="host">An IPv4 address, an IPv6 address (with or without brackets) or a DNS name.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="host"/> is none of those.</exception>
    public void SetRegionHost(string region, string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var formatted = RegionHost.Format(host)
            ?? throw new InvalidOptionsException(nameof(EndpointMap), [$"host for region '{region}' must be an IPv4 address, an IPv6 address or a DNS name, got '{host}'"]);
        lock (_gate)
        {
            _hosts[region] = formatted;
            PublishLocked();
        }
    }

    /// <summary>Forgets the host set for <paramref name="region"/>: its listed URLs apply again.</summary>
    /// <returns>True when a host had been set.</returns>
    public bool RemoveRegionHost(string region)
    {
        ArgumentNullException.ThrowIfNull(region);
        lock (_gate)
        {
            if (!_hosts.Remove(region))
            {
                return false;
            }

            PublishLocked();
            return true;
        }
    }

    private ValueTask<string> LookupAsync(string region, EndpointFilter filter, CancellationToken cancellationToken)
    {
        // The hit path: one volatile read, two dictionary lookups, no allocation.
        return _snapshot is { } snapshot && snapshot.TryGet(region, filter, out var url)
            ? new ValueTask<string>(url)
            : MissAsync(region, filter, cancellationToken);
    }
}
