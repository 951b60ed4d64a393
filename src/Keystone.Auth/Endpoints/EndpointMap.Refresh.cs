using System.Diagnostics.Metrics;
using Keystone.Auth.Diagnostics;
using Keystone.Auth.Endpoints;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

// The miss path: one reload for every caller that misses while it runs, and at
// most one reload per MinRefreshInterval, so an unknown region cannot make
// thousands of callers each ask Keystone for three lists.
public sealed partial class EndpointMap
{
    private static readonly Counter<long> s_refreshes =
        KeystoneTelemetry.Meter.CreateCounter<long>("keystone.auth.endpoint_map.refreshes", description: "Loads of Keystone's region, service and endpoint lists, by outcome");

    private static readonly Counter<long> s_limited =
        KeystoneTelemetry.Meter.CreateCounter<long>("keystone.auth.endpoint_map.limited_misses", description: "Lookups that missed while a refresh was not allowed yet");

    private static readonly Action<ILogger, int, int, double, Exception?> s_loaded =
        LoggerMessage.Define<int, int, double>(LogLevel.Information, new EventId(4001, "EndpointMapLoaded"), "Endpoint map loaded: {Regions} regions, {Endpoints} endpoints in {ElapsedMs} ms");

    private static readonly Action<ILogger, Exception?> s_loadFailed =
        LoggerMessage.Define(LogLevel.Warning, new EventId(4002, "EndpointMapLoadFailed"), "Endpoint map could not be loaded; the previous map stays in use");

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
