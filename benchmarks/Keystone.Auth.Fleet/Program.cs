using System.Globalization;

namespace Keystone.Auth.Fleet;

/// <summary>
/// dotnet run -c Release --project benchmarks/Keystone.Auth.Fleet -- [--subclouds N] [--workers M]
///   [--hours H] [--calls C] [--idle-timeout S] [--background-refresh] [--plot FILE] [--quiet]
/// or: --cpu-per-call N [--raw] [--connection-close]   (client CPU per call on a real Keystone, OS_* credentials)
/// Exit code 1 when a goal is missed (unexplained POSTs, failures outside the outage, no recovery, sockets left).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--cpu-per-call")
        {
            // --cpu-per-call N [--raw] [--connection-close]: see CpuPerCall (a real Keystone from OS_*)
            return await CpuPerCall.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), args.Contains("--raw"), args.Contains("--connection-close")).ConfigureAwait(false);
        }

        var o = new FleetOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Num() => double.Parse(Next(), CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--subclouds" => o with { Subclouds = (int)Num() },
                "--workers" => o with { Workers = (int)Num() },
                "--hours" => Scaled(o, Num()),
                "--calls" => o with { CallsPerAudit = (int)Num() },
                "--idle-timeout" => o with { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(Num()) },
                "--background-refresh" => o with { RefreshInBackground = true },
                "--plot" => o with { PlotPath = Next() },
                "--quiet" => o with { Verbose = false },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        if (o.Subclouds is < 10 or > FleetAddresses.MaxSubclouds)
        {
            throw new ArgumentException($"--subclouds must be 10..{FleetAddresses.MaxSubclouds}");
        }

        Console.WriteLine($"fleet: {o.Subclouds} subclouds, {o.Workers} workers, {o.Duration.TotalHours} h; events at {o.RotationAt}, {o.OutageFrom}-{o.OutageTo}, {o.MoveAt}");
        var result = await new FleetRun(o, Console.Out).RunAsync().ConfigureAwait(false);
        FleetReport.Print(result, Console.Out);
        if (o.PlotPath is { } path)
        {
            DayPlot.Save(result, path);
            Console.WriteLine($"plot: {path}");
        }

        var missed = result.Posts(PostReason.Unexplained) > 0 || result.FailedOutsideOutage > 0
            || result.NotRecoveredInOneCycle > 0 || result.AfterIdle.ClientOpen > 0 || result.FailedCalls != result.FailedTyped;
        return missed ? 1 : 0;
    }

    /// <summary>A day of another length keeps the events at the same share of it (the outage keeps 1/24 of it, at least 1 h when the day allows).</summary>
    private static FleetOptions Scaled(FleetOptions o, double hours)
    {
        var day = TimeSpan.FromHours(hours);
        var outage = TimeSpan.FromTicks(Math.Max(day.Ticks / 24, Math.Min(TimeSpan.FromHours(1).Ticks, day.Ticks / 6)));
        return o with
        {
            Duration = day,
            RotationAt = day / 4,
            OutageFrom = day / 2,
            OutageTo = day / 2 + outage,
            MoveAt = day * 3 / 4,
        };
    }
}
