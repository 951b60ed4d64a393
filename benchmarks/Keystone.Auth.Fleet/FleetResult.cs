namespace Keystone.Auth.Fleet;

/// <summary>One sample per simulated hour (taken at the hour's end), for the table and the plot.</summary>
internal sealed record HourSample(int Hour, long TokenPosts, long RefusedPosts, long ApiCalls, long FailedCalls, OsSnapshot Os);

/// <summary>Everything a run measured. Counts of POSTs and calls come from the fake servers, sockets and descriptors from /proc.</summary>
internal sealed class FleetResult
{
    public required FleetOptions Options { get; init; }
    public required List<HourSample> Hours { get; init; }
    public required FakeSubcloud[] Subclouds { get; init; }
    public required FleetCounters Server { get; init; }
    public long SucceededCalls { get; init; }
    public long FailedCalls { get; init; }
    public long FailedTyped { get; init; }
    public long FailedOutsideOutage { get; init; }
    public required IReadOnlyList<string> UnexpectedFailures { get; init; }
    public required IReadOnlyDictionary<string, long> FailureTypes { get; init; }

    /// <summary>Outage subclouds whose last failure came at or after the outage's end (goal 0).</summary>
    public int NotRecoveredInOneCycle { get; init; }

    public OsSnapshot Baseline { get; init; }
    public OsSnapshot Peak { get; init; }
    public OsSnapshot EndOfDay { get; init; }
    public OsSnapshot AfterIdle { get; init; }
    public double SecondsToIdle { get; init; }
    public OsSnapshot AfterDisposal { get; init; }
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public double RawP50Ms { get; init; }
    public double RawP99Ms { get; init; }
    public double LibP50Ms { get; init; }
    public double LibP99Ms { get; init; }

    /// <summary>After the idle timeout closed every connection, before disposal (a full GC): clients, plugins and cached tokens only.</summary>
    public OsSnapshot ClientsWithoutConnections { get; init; }
    public double WallSeconds { get; init; }
    public double ProcessCpuSeconds { get; init; }

    public long TotalPosts => Subclouds.Sum(s => s.PostsByReason.Sum());

    public long Posts(PostReason reason, Func<int, bool>? which = null) =>
        Subclouds.Where(s => which?.Invoke(s.Index) ?? true).Sum(s => (long)s.PostsByReason[(int)reason]);

    /// <summary>Token POSTs per subcloud per simulated hour, over the subclouds no event touched.</summary>
    public double PostsPerSubcloudHourUntouched
    {
        get
        {
            var untouched = Subclouds.Where(s => !Options.IsRotated(s.Index) && !Options.IsInOutage(s.Index) && !Options.IsMoved(s.Index)).ToList();
            return untouched.Sum(s => (double)s.PostsByReason.Sum()) / untouched.Count / Options.Duration.TotalHours;
        }
    }

    public int Count(Func<int, bool> which) => Subclouds.Count(s => which(s.Index));
}
