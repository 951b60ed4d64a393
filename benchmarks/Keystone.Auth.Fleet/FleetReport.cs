using System.Globalization;

namespace Keystone.Auth.Fleet;

/// <summary>Prints a run's figures as the markdown table benchmarks/README.md carries.</summary>
internal static class FleetReport
{
    public static void Print(FleetResult r, TextWriter w)
    {
        var o = r.Options;
        var n = o.Subclouds;
        var rotated = r.Count(o.IsRotated);
        var outage = r.Count(o.IsInOutage);
        var moved = r.Count(o.IsMoved);
        string F(double v, string fmt = "F2") => v.ToString(fmt, CultureInfo.InvariantCulture);
        string Mb(long b) => F(b / 1e6, "F1") + " MB";

        w.WriteLine();
        w.WriteLine($"Fleet: {n} subclouds x {o.Duration.TotalHours:F0} h simulated, {o.Workers} workers, {o.CallsPerAudit} calls per audit every {o.AuditInterval.TotalMinutes:F0} min, tokens live {o.TokenLifetime.TotalMinutes:F0} min; {F(r.WallSeconds, "F0")} s wall, {F(r.ProcessCpuSeconds, "F0")} s CPU (clients and servers), {r.SucceededCalls + r.FailedCalls} calls");
        w.WriteLine();
        w.WriteLine("| figure | measured | goal |");
        w.WriteLine("| --- | --- | --- |");
        w.WriteLine($"| token POSTs per subcloud per simulated hour (subclouds no event touched) | {F(r.PostsPerSubcloudHourUntouched, "F3")} ({r.TotalPosts} POSTs in all) | 1 per token life ({o.TokenLifetime.TotalMinutes:F0} min, renewed {TokenRenewalNote(o)}) whatever M is |");
        w.WriteLine($"| POSTs by cause, at the fake Keystone | first {r.Posts(PostReason.First)}, renewal {r.Posts(PostReason.Renewal)}, after a 401 {r.Posts(PostReason.AfterRejection)}, new address {r.Posts(PostReason.AddressChange)}, **unexplained {r.Posts(PostReason.Unexplained)}** | unexplained 0 |");
        w.WriteLine($"| extra POSTs from the rotation (hour {o.RotationAt.TotalHours:F1}) | {r.Posts(PostReason.AfterRejection, o.IsRotated)} for {rotated} rotated subclouds | 1 per rotated subcloud |");
        w.WriteLine($"| extra POSTs from the address change (hour {o.MoveAt.TotalHours:F1}) | {r.Posts(PostReason.AddressChange, o.IsMoved)} for {moved} moved subclouds | 1 per moved subcloud |");
        w.WriteLine($"| failed calls | {r.FailedCalls} ({r.FailedTyped} typed: {string.Join(", ", r.FailureTypes.Select(kv => $"{kv.Key} {kv.Value}"))}); outside the outage: **{r.FailedOutsideOutage}** | 0 except during the outage, typed |");
        w.WriteLine($"| outage ({outage} subclouds, hours {o.OutageFrom.TotalHours:F1}-{o.OutageTo.TotalHours:F1}): POSTs refused by the down Keystone | {r.Server.RefusedPosts.Sum()} | - |");
        w.WriteLine($"| outage subclouds that still failed after it ended | **{r.NotRecoveredInOneCycle}** | 0 (recovered within one audit cycle) |");
        w.WriteLine($"| peak client sockets (OS) | {r.Peak.ClientOpen} | <= {n} x 2 origins x MaxConnectionsPerServer {o.MaxConnectionsPerServer} = {n * 2L * o.MaxConnectionsPerServer}; 1 per origin in use |");
        w.WriteLine($"| peak file descriptors (/proc/self/fd; both ends of every connection and {r.Peak.Listening} listeners live in this process) | {r.Peak.FileDescriptors} (before the first audit: {r.Baseline.FileDescriptors}) | - |");
        w.WriteLine($"| client sockets after the idle timeout ({o.PooledConnectionIdleTimeout.TotalSeconds:F0} s), nothing disposed | {r.AfterIdle.ClientOpen} after {F(r.SecondsToIdle, "F1")} s (TIME_WAIT {r.AfterIdle.TimeWait}) | 0 within the idle timeout |");
        w.WriteLine($"| client sockets / fds after disposal | {r.AfterDisposal.ClientOpen} / {r.AfterDisposal.FileDescriptors} | 0 / back to the listeners |");
        w.WriteLine($"| managed heap per subcloud (end of day, after a full GC, minus before the first audit) | {F((r.EndOfDay.ManagedBytes - r.Baseline.ManagedBytes) / (double)n / 1024, "F1")} KB ({Mb(r.EndOfDay.ManagedBytes - r.Baseline.ManagedBytes)}) | report |");
        w.WriteLine($"| managed heap per subcloud once the idle timeout closed every connection (client, plugin, session, cached token) | {F((r.ClientsWithoutConnections.ManagedBytes - r.Baseline.ManagedBytes) / (double)n / 1024, "F1")} KB | report |");
        w.WriteLine($"| RSS (before / end of day / after disposal) | {Mb(r.Baseline.RssBytes)} / {Mb(r.EndOfDay.RssBytes)} / {Mb(r.AfterDisposal.RssBytes)} | report |");
        w.WriteLine($"| call latency through the library, in-process servers, p50 / p99 | {F(r.P50Ms)} / {F(r.P99Ms)} ms | report |");
        w.WriteLine($"| added latency after the day, raw HttpClient vs session GETs alternated on the same pools: p50 / p99 | raw {F(r.RawP50Ms)} / {F(r.RawP99Ms)} ms, library {F(r.LibP50Ms)} / {F(r.LibP99Ms)} ms: **+{F(r.LibP50Ms - r.RawP50Ms)} / +{F(r.LibP99Ms - r.RawP99Ms)} ms** | report |");
        w.WriteLine($"| thread-pool threads (peak) | {r.Peak.Threads} | - |");
        foreach (var line in r.UnexpectedFailures)
        {
            w.WriteLine($"unexpected failure: {line}");
        }
    }

    private static string TokenRenewalNote(FleetOptions o) => o.RefreshInBackground ? "in the background" : "within 5-7.7 min of its end";
}
