using System.Diagnostics;

namespace Keystone.Auth.IntegrationTests;

/// <summary>Runs one of scripts/keystone/*.sh and fails loudly with its stderr.</summary>
internal static class ScriptRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<string> RunAsync(string script, TimeSpan timeout, params string[] args)
    {
        var result = await RunRawAsync(script, timeout, args);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/keystone/{script} {string.Join(' ', args)} failed with exit code {result.ExitCode}. "
                + $"stderr (tail):{Environment.NewLine}{Tail(result.StdErr, 40)}");
        }

        return result.StdOut;
    }

    public static async Task<Result> RunRawAsync(string script, TimeSpan timeout, params string[] args)
    {
        var path = Path.Combine(RepoPaths.KeystoneScripts, script);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Keystone script not found: {path}");
        }

        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start bash {path}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Only the script we started (and its children) is killed.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var err = await stderr;
            throw new InvalidOperationException(
                $"scripts/keystone/{script} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s. "
                + $"stderr (tail):{Environment.NewLine}{Tail(err, 40)}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static string Tail(string text, int lines)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
