using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keystone.Auth.Samples;

namespace SubcloudAudit;

/// <summary>
/// <c>SubcloudAudit --processes P</c>: P worker processes (copies of this
/// program in <c>--worker</c> mode, as dcmanager runs 8 audit-worker
/// processes) with W tasks each, all signing in as the <c>OS_*</c> identity,
/// for S seconds, with every fernet key replaced halfway when
/// <c>--keystone-dir</c> is given. Run once without the shared tier and, with
/// <c>--redis CONFIG</c> (or the variable <c>KEYSTONE_AUTH_REDIS</c>), once
/// with it; prints the token POSTs the whole fleet made in each case.
/// </summary>
internal static class FleetRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var processes = Args.Int(args, "--processes", 4);
        var workers = Args.Int(args, "--workers", 8);
        var seconds = Args.Double(args, "--seconds", 8);
        var keystoneDir = Args.Get(args, "--keystone-dir");
        var rotateAt = Args.Double(args, "--rotate-at", seconds / 2);
        var redis = Args.Get(args, "--redis") ?? Environment.GetEnvironmentVariable(FleetWorker.RedisVariable);
        var log = args.Contains("--log");
        if (processes < 1 || workers < 1 || seconds <= 0 || rotateAt <= 0 || rotateAt >= seconds)
        {
            Console.Error.WriteLine("usage: SubcloudAudit --processes P [--workers W] [--seconds S] [--keystone-dir DIR [--rotate-at R]] [--redis CONFIG] [--log]");
            return 2;
        }

        Console.WriteLine($"fleet: {processes} processes x {workers} workers, {seconds:0.#} s, "
            + (keystoneDir is null ? "no key rotation" : $"every fernet key replaced at {rotateAt:0.#} s"));
        var rows = new List<(string Tier, FleetTotals Totals)>
        {
            ("without the shared tier", await RunFleetAsync(null)),
        };
        if (redis is { Length: > 0 })
        {
            rows.Add(("with the shared tier (Redis)", await RunFleetAsync(redis)));
        }
        else
        {
            Console.WriteLine("(give --redis CONFIG to run it again with the shared tier)");
        }

        Console.WriteLine();
        Console.WriteLine($"{"",-30} {"token POSTs",11} {"at start",8} {"after rotation",14} {"calls",7} {"failed",6} {"(after rotation)",16}");
        foreach (var (tier, t) in rows)
        {
            Console.WriteLine($"{tier,-30} {t.Posts,11} {t.PostsBeforeMark,8} {t.Posts - t.PostsBeforeMark,14} {t.Calls,7} {t.Failures,6} {t.Failures - t.FailuresBeforeMark,16}{(t.Shared || tier.StartsWith("without", StringComparison.Ordinal) ? "" : "  (store connected but not consulted: TokenCacheOptions.Store is not wired yet, see SharedTier.cs)")}");
        }

        foreach (var error in rows.SelectMany(r => r.Totals.Errors.Select(e => $"  {r.Tier}: {e}")))
        {
            Console.WriteLine(error);
        }

        return rows.All(r => r.Totals.Failures == 0) ? 0 : 1;

        async Task<FleetTotals> RunFleetAsync(string? redisConfiguration)
        {
            var children = new List<Process>();
            try
            {
                for (var i = 0; i < processes; i++)
                {
                    children.Add(StartWorker(workers, redisConfiguration, log));
                }

                foreach (var child in children)
                {
                    await ExpectAsync(child, "ready");
                }

                // The start barrier: every process is set up before any calls.
                var clock = Stopwatch.StartNew();
                Broadcast(children, "go");
                if (keystoneDir is not null)
                {
                    await Task.Delay(TimeSpan.FromSeconds(rotateAt));
                    Broadcast(children, "mark");
                    foreach (var child in children)
                    {
                        await ExpectAsync(child, "marked");
                    }

                    await KeystoneScripts.RunAsync(KeystoneScripts.Find(KeystoneScripts.InvalidateAllKeys), keystoneDir);
                }

                var left = TimeSpan.FromSeconds(seconds) - clock.Elapsed;
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left);
                }

                Broadcast(children, "stop");
                var reports = new List<FleetReport>();
                foreach (var child in children)
                {
                    reports.Add(await ReadReportAsync(child));
                }

                return FleetTotals.Of(reports);
            }
            finally
            {
                foreach (var child in children)
                {
                    if (!child.HasExited)
                    {
                        child.Kill();
                    }

                    child.Dispose();
                }
            }
        }
    }

    private static Process StartWorker(int workers, string? redisConfiguration, bool log)
    {
        // This same program, in --worker mode: "dotnet SubcloudAudit.dll" or the apphost.
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FleetRun).Assembly.Location);
        }

        foreach (var arg in new[] { "--worker", "--workers", workers.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        if (log)
        {
            // the workers' stderr is this process's: their warnings show up here
            start.ArgumentList.Add("--log");
        }

        // The identity (OS_*) is inherited; the Redis string goes by environment, never argv.
        start.Environment.Remove(FleetWorker.RedisVariable);
        if (redisConfiguration is not null)
        {
            start.Environment[FleetWorker.RedisVariable] = redisConfiguration;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start a worker process");
    }

    private static void Broadcast(List<Process> children, string line)
    {
        foreach (var child in children)
        {
            child.StandardInput.WriteLine(line);
            child.StandardInput.Flush();
        }
    }

    private static async Task ExpectAsync(Process child, string expected)
    {
        var line = await child.StandardOutput.ReadLineAsync();
        if (line == "called" && expected != "called")
        {
            line = await child.StandardOutput.ReadLineAsync();
        }

        if (line != expected)
        {
            throw new InvalidOperationException($"worker {child.Id} said '{line}' instead of '{expected}'");
        }
    }

    private static async Task<FleetReport> ReadReportAsync(Process child)
    {
        var line = await child.StandardOutput.ReadLineAsync();
        if (line == "called")
        {
            // a worker whose first call succeeded only after "mark" (or without one)
            line = await child.StandardOutput.ReadLineAsync();
        }

        if (line is null)
        {
            throw new InvalidOperationException($"worker {child.Id} printed no report");
        }

        await child.WaitForExitAsync();
        return JsonSerializer.Deserialize<FleetReport>(line, FleetReport.Json)
            ?? throw new InvalidOperationException($"worker {child.Id} printed an empty report");
    }

    private sealed record FleetTotals(bool Shared, int Posts, int PostsBeforeMark, int Calls, int Failures, int FailuresBeforeMark, string[] Errors)
    {
        public static FleetTotals Of(List<FleetReport> reports) => new(
            reports.All(r => r.SharedTier),
            reports.Sum(r => r.TokenPosts),
            reports.Sum(r => r.AtMark?.TokenPosts ?? r.TokenPosts),
            reports.Sum(r => r.Calls),
            reports.Sum(r => r.Failures),
            reports.Sum(r => r.AtMark?.Failures ?? r.Failures),
            [.. reports.SelectMany(r => r.Errors)]);
    }
}
