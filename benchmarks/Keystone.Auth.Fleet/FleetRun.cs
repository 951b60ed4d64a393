using System.Diagnostics;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Fleet;

/// <summary>Runs one simulated day: servers up, M workers auditing every subcloud every interval, events, OS samples, teardown.</summary>
internal sealed class FleetRun(FleetOptions options, TextWriter log)
{
    private readonly VirtualClock _clock = new(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LatencyHistogram _latency = new();
    private readonly Dictionary<string, long> _failureTypes = [];
    private readonly List<string> _unexpected = [];
    private AuditClient?[] _clients = [];
    private long[] _lastFailure = [];
    private long[] _failedPerHour = [];
    private FakeFleetServer _server = null!;
    private TokenCache _cache = null!;
    private long _ok, _failed, _typed, _outsideOutage;

    public async Task<FleetResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var hours = (int)Math.Ceiling(options.Duration.TotalHours);
        var needed = options.Subclouds * 2L + options.Subclouds / options.EventEvery * 2 + 1000;
        if (OsCounters.OpenFilesLimit() < needed)
        {
            throw new InvalidOperationException($"{options.Subclouds} subclouds need about {needed} file descriptors (both ends of its platform API connection, which stays pooled all day in compressed time); the soft limit is {OsCounters.OpenFilesLimit()}. Raise it (ulimit -n) or run benchmarks/run-fleet-day.sh, which does.");
        }

        var counters = new FleetCounters(hours);
        _failedPerHour = new long[hours + 1];
        _lastFailure = Enumerable.Repeat(long.MinValue, options.Subclouds).ToArray();
        _clients = new AuditClient?[options.Subclouds];
        _server = await FakeFleetServer.StartAsync(options, _clock, counters).ConfigureAwait(false);
        _cache = new TokenCache(new TokenCacheOptions { RefreshInBackground = options.RefreshInBackground }, _clock);
        var wall = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        try
        {
            var baseline = OsCounters.Take(_server.Ports, collect: true);
            var (samples, peak) = await DayAsync(counters, hours, cancellationToken).ConfigureAwait(false);
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            var dayWall = wall.Elapsed.TotalSeconds;
            var endOfDay = OsCounters.Take(_server.Ports, collect: true);
            var (rawLatency, libLatency) = await CompareLatencyAsync(cancellationToken).ConfigureAwait(false);

            // Sockets must close by the transport's idle timeout alone, before anything is disposed.
            var idle = Stopwatch.StartNew();
            var afterIdle = endOfDay;
            while (idle.Elapsed < options.PooledConnectionIdleTimeout + TimeSpan.FromSeconds(20))
            {
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
                afterIdle = OsCounters.Take(_server.Ports);
                if (afterIdle.ClientOpen == 0)
                {
                    break;
                }
            }

            var secondsToIdle = idle.Elapsed.TotalSeconds;
            var idleHeap = OsCounters.Take(_server.Ports, collect: true);
            foreach (var c in _clients)
            {
                c?.Dispose();
            }

            Array.Clear(_clients);
            _cache.Clear();
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            var afterDisposal = OsCounters.Take(_server.Ports, collect: true);

            return new FleetResult
            {
                Options = options,
                Hours = samples,
                Subclouds = _server.Subclouds,
                Server = counters,
                SucceededCalls = _ok,
                FailedCalls = _failed,
                FailedTyped = _typed,
                FailedOutsideOutage = _outsideOutage,
                UnexpectedFailures = _unexpected,
                FailureTypes = _failureTypes,
                NotRecoveredInOneCycle = Enumerable.Range(0, options.Subclouds)
                    .Count(i => options.IsInOutage(i) && _lastFailure[i] >= options.OutageTo.Ticks),
                Baseline = baseline,
                Peak = peak,
                EndOfDay = endOfDay,
                AfterIdle = afterIdle,
                SecondsToIdle = secondsToIdle,
                AfterDisposal = afterDisposal,
                P50Ms = _latency.QuantileMs(0.50),
                P99Ms = _latency.QuantileMs(0.99),
                RawP50Ms = rawLatency.QuantileMs(0.50),
                RawP99Ms = rawLatency.QuantileMs(0.99),
                LibP50Ms = libLatency.QuantileMs(0.50),
                LibP99Ms = libLatency.QuantileMs(0.99),
                ClientsWithoutConnections = idleHeap,
                WallSeconds = dayWall,
                ProcessCpuSeconds = cpu,
            };
        }
        finally
        {
            foreach (var c in _clients)
            {
                c?.Dispose();
            }

            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<(List<HourSample>, OsSnapshot)> DayAsync(FleetCounters counters, int hours, CancellationToken cancellationToken)
    {
        var samples = new List<HourSample>();
        var peak = default(OsSnapshot);
        var slotLength = options.AuditInterval / options.Slots;
        var bySlot = Enumerable.Range(0, options.Slots)
            .Select(s => Enumerable.Range(0, options.Subclouds).Where(i => i % options.Slots == s).ToArray()).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = cancellationToken };
        var cycles = (int)(options.Duration / options.AuditInterval);
        var cyclesPerHour = (int)(TimeSpan.FromHours(1) / options.AuditInterval);
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            for (var slot = 0; slot < options.Slots; slot++)
            {
                var at = cycle * options.AuditInterval + slot * slotLength;
                ApplyEvents(at);
                _clock.Set(_clock.Start + at);
                await Parallel.ForEachAsync(bySlot[slot], parallel, AuditAsync).ConfigureAwait(false);
            }

            var hourEnds = (cycle + 1) % cyclesPerHour == 0;
            var os = OsCounters.Take(_server.Ports, collect: hourEnds);
            peak = Max(peak, os);
            if (hourEnds)
            {
                var h = (cycle + 1) / cyclesPerHour - 1;
                samples.Add(new HourSample(h, counters.TokenPosts[h], counters.RefusedPosts[h], counters.ApiCalls[h], _failedPerHour[h], os));
                if (options.Verbose)
                {
                    log.WriteLine($"  hour {h,2}: {counters.TokenPosts[h],6} POSTs ({counters.RefusedPosts[h]} refused), {counters.ApiCalls[h],8} API calls, {_failedPerHour[h],5} failed; fds {os.FileDescriptors}, client sockets {os.ClientOpen}, heap {os.ManagedBytes / 1e6:F0} MB, RSS {os.RssBytes / 1e6:F0} MB");
                }
            }
        }

        return (samples, peak);
    }

    /// <summary>
    /// After the day, every subcloud once more: a raw HttpClient GET and a
    /// session GET, alternated per subcloud, on the same pool and token, so
    /// that both see the same server and load. The difference is what the
    /// library adds.
    /// </summary>
    private async Task<(LatencyHistogram Raw, LatencyHistogram Lib)> CompareLatencyAsync(CancellationToken cancellationToken)
    {
        var raw = new LatencyHistogram();
        var lib = new LatencyHistogram();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Workers, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Subclouds), parallel, async (i, ct) =>
        {
            var client = _clients[i]!;
            var token = await client.TokenAsync(ct).ConfigureAwait(false);
            for (var n = 0; n < 4; n++)
            {
                var start = Stopwatch.GetTimestamp();
                if (n % 2 == i % 2)
                {
                    await client.RawCallAsync(n, token, ct).ConfigureAwait(false);
                    raw.Add(Stopwatch.GetElapsedTime(start));
                }
                else
                {
                    await client.CallAsync(n, ct).ConfigureAwait(false);
                    lib.Add(Stopwatch.GetElapsedTime(start));
                }
            }
        }).ConfigureAwait(false);
        return (raw, lib);
    }

    private static OsSnapshot Max(OsSnapshot a, OsSnapshot b) => new(
        Math.Max(a.FileDescriptors, b.FileDescriptors), Math.Max(a.ClientEstablished, b.ClientEstablished),
        Math.Max(a.ServerEstablished, b.ServerEstablished), Math.Max(a.ClientOther, b.ClientOther),
        Math.Max(a.TimeWait, b.TimeWait), Math.Max(a.Listening, b.Listening),
        Math.Max(a.ManagedBytes, b.ManagedBytes), Math.Max(a.RssBytes, b.RssBytes), Math.Max(a.Threads, b.Threads));

    private void ApplyEvents(TimeSpan at)
    {
        foreach (var s in _server.Subclouds)
        {
            if (options.IsRotated(s.Index) && at >= options.RotationAt && s.KeyGeneration == 0)
            {
                s.KeyGeneration = 1; // every fernet key replaced: all its tokens die
            }

            if (options.IsInOutage(s.Index))
            {
                s.KeystoneDown = at >= options.OutageFrom && at < options.OutageTo;
            }

            if (options.IsMoved(s.Index) && at >= options.MoveAt)
            {
                s.Moved = true;
            }
        }
    }

    private async ValueTask AuditAsync(int i, CancellationToken cancellationToken)
    {
        var moved = _server.Subclouds[i].Moved;
        var client = _clients[i];
        if (client is null || client.Moved != moved)
        {
            // The port reads the subcloud's (new) management address and builds its client from it.
            client?.Dispose();
            client = _clients[i] = new AuditClient(i, moved, _server.Ports, options, _cache, _clock);
        }

        for (var n = 0; n < options.CallsPerAudit; n++)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await client.CallAsync(n, cancellationToken).ConfigureAwait(false);
                _latency.Add(Stopwatch.GetElapsedTime(start));
                Interlocked.Increment(ref _ok);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                RecordFailure(i, e);
                return; // an audit that failed a call stops there, as dcmanager's does
            }
        }
    }

    private void RecordFailure(int i, Exception e)
    {
        var at = _clock.Elapsed;
        Interlocked.Increment(ref _failed);
        FleetCounters.Add(_failedPerHour, at);
        Interlocked.Exchange(ref _lastFailure[i], at.Ticks);
        var typed = e is KeystoneException;
        if (typed)
        {
            Interlocked.Increment(ref _typed);
        }

        var inOutage = options.IsInOutage(i) && at >= options.OutageFrom && at < options.OutageTo;
        if (!inOutage)
        {
            Interlocked.Increment(ref _outsideOutage);
        }

        lock (_failureTypes)
        {
            var name = e.GetType().Name;
            _failureTypes[name] = _failureTypes.GetValueOrDefault(name) + 1;
            if ((!typed || !inOutage) && _unexpected.Count < 10)
            {
                _unexpected.Add($"subcloud {i} at {at}: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
