using System.Diagnostics;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Finds the worker program (samples/SubcloudAudit, built with the tests'
/// configuration) and builds it only when it is missing or older than a
/// source it is made from: a stale worker would test yesterday's code, and
/// a build every run would cost a minute on a busy machine.
/// </summary>
internal static class FleetWorkerBuild
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static async Task<string> EnsureAsync()
    {
        if (Environment.GetEnvironmentVariable("FLEET_WORKER_DLL") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new InvalidOperationException($"FLEET_WORKER_DLL={given} does not exist");
        }

        var project = Path.Combine(RepoPaths.Root, "samples", "SubcloudAudit", "SubcloudAudit.csproj");
        var dll = Environment.GetEnvironmentVariable("KS_ARTIFACTS") is { Length: > 0 } artifacts
            ? Path.Combine(artifacts, "bin", "SubcloudAudit", Configuration.ToLowerInvariant(), "SubcloudAudit.dll")
            : Path.Combine(RepoPaths.Root, "samples", "SubcloudAudit", "bin", Configuration, "net10.0", "SubcloudAudit.dll");
        if (File.Exists(dll) && File.GetLastWriteTimeUtc(dll) >= NewestSource())
        {
            return dll;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "build", project, "-c", Configuration, "--nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run dotnet build");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0 || !File.Exists(dll))
        {
            throw new InvalidOperationException(
                $"dotnet build {project} failed ({process.ExitCode}) or made no {dll}:{Environment.NewLine}{ScriptRunner.Tail(await stdout + await stderr, 40)}");
        }

        return dll;
    }

    private static DateTime NewestSource()
    {
        var newest = DateTime.MinValue;
        foreach (var folder in new[] { "src", Path.Combine("samples", "SubcloudAudit"), Path.Combine("samples", "Shared") })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
            {
                var sep = Path.DirectorySeparatorChar;
                if ((file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal))
                    && !file.Contains($"{sep}bin{sep}", StringComparison.Ordinal) && !file.Contains($"{sep}obj{sep}", StringComparison.Ordinal))
                {
                    var time = File.GetLastWriteTimeUtc(file);
                    newest = time > newest ? time : newest;
                }
            }
        }

        return newest;
    }
}
