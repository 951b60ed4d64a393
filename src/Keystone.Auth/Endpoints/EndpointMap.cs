using System.Diagnostics.Metrics;
using Keystone.Auth.Diagnostics;
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
public sealed class EndpointMap : IEndpointResolver
{
    private static readonly Counter<long> s_refreshes =
        KeystoneTelemetry.Meter.CreateCounter<long>("keystone.auth.endpoint_map.refreshes", description: "Loads of Keystone's region, service and endpoint lists, by outcome");

    private static readonly Counter<long> s_limited =
        KeystoneTelemetry.Meter.CreateCounter<long>("keystone.auth.endpoint_map.limited_misses", description: "Lookups that missed while a refresh was not allowed yet");

    private static readonly Action<ILogger, int, int, double, Exception?> s_loaded =
        LoggerMessage.Define<int, int, double>(LogLevel.Information, new EventId(4001, "EndpointMapLoaded"), "Endpoint map loaded: {Regions} regions, {Endpoints} endpoints in {ElapsedMs} ms");

    private static readonly Action<ILogger, Exception?> s_loadFailed =
        LoggerMessage.Define(LogLevel.Warning, new EventId(4002, "EndpointMapLoadFailed"), "Endpoint map could not be loaded; the previous map stays in use");

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

    private async ValueTask<string> MissAsync(string region, EndpointFilter filter, CancellationToken cancellationToken)
    {
        Task refresh;
        lock (_gate)
        {
            // Another caller's refresh may have answered since the lock-free look.
            if (_snapshot is { } current && current.TryGet(region, filter, out var found))
            {
                return found;
            }

            if (_refreshing is { IsCompleted: false } running)
            {
                refresh = running;
            }
            else if (_lastRefreshStarted is { } started && _time.GetElapsedTime(started) < _options.MinRefreshInterval)
            {
                s_limited.Add(1);
                throw NotFound(region, filter, refreshed: false, _time.GetElapsedTime(started));
            }
            else
            {
                refresh = StartRefreshLocked();
            }
        }

        await refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_snapshot is { } after && after.TryGet(region, filter, out var url))
        {
            return url;
        }

        throw NotFound(region, filter, refreshed: true, TimeSpan.Zero);
    }

    private Task StartRefreshLocked()
    {
        if (_refreshing is { IsCompleted: false } running)
        {
            return running;
        }

        _lastRefreshStarted = _time.GetTimestamp();

        // Not tied to any caller's cancellation: the load serves every waiter.
        var task = RefreshCoreAsync();
        _refreshing = task;
        return task;
    }

    private async Task RefreshCoreAsync()
    {
        // Leave the caller's lock before any work, even if the load completes synchronously.
        await Task.Yield();
        var started = _time.GetTimestamp();
        try
        {
            var listing = await _load(CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _listing = listing;
                _lastLoaded = _time.GetUtcNow();
                PublishLocked();
            }

            s_refreshes.Add(1, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.Outcomes.Success));
            s_loaded(_logger, listing.Regions.Count, listing.Endpoints.Count, _time.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (Exception ex) when (ex is KeystoneException or OperationCanceledException)
        {
            s_refreshes.Add(1, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.OutcomeOf(ex)));
            s_loadFailed(_logger, ex);
            throw;
        }
    }

    private void PublishLocked() =>
        _snapshot = EndpointMapSnapshot.Build(_listing, _hosts, _options.UrlTemplates);

    private EndpointNotFoundException NotFound(string region, EndpointFilter filter, bool refreshed, TimeSpan sinceRefresh)
    {
        var where = _snapshot is null ? "the endpoint map is not loaded"
            : _snapshot.HasRegion(region) ? $"region '{region}' has no such endpoint in the endpoint map"
            : $"region '{region}' is not in the endpoint map";
        var why = refreshed
            ? "after reloading Keystone's lists"
            : $"and it was reloaded {sinceRefresh.TotalSeconds:0.#} s ago (at most once per MinRefreshInterval, {_options.MinRefreshInterval.TotalSeconds:0.#} s)";
        return new EndpointNotFoundException(filter, $"No endpoint for {filter.Describe()}: {where} {why}.");
    }

    private static Func<CancellationToken, Task<EndpointListing>> LoaderOf(KeystoneIdentityClient identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return async ct =>
        {
            // Three reads, one after the other: they share one token, and a
            // Keystone under load is better asked once at a time.
            var regions = await identity.ListRegionsAsync(ct).ConfigureAwait(false);
            var services = await identity.ListServicesAsync(ct).ConfigureAwait(false);
            var endpoints = await identity.ListEndpointsAsync(ct).ConfigureAwait(false);
            return new EndpointListing(regions, services, endpoints);
        };
    }
}
