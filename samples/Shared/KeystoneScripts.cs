using System.Diagnostics;

namespace Keystone.Auth.Samples;

/// <summary>Finds and runs the scripts of <c>scripts/keystone/</c> that drive the local Keystone.</summary>
internal static class KeystoneScripts
{
    public const string InvalidateAllKeys = "scripts/keystone/invalidate-all-keys.sh";

    /// <summary>
    /// <paramref name="relative"/> under <c>KEYSTONE_SCRIPTS_ROOT</c> when that is
    /// set, else in the first folder above the working directory (or the
    /// program's own) that has it.
    /// </summary>
    public static string Find(string relative)
    {
        // System.IO.Path spelled out: QuickStart has a top-level constant named Path.
        if (Environment.GetEnvironmentVariable("KEYSTONE_SCRIPTS_ROOT") is { Length: > 0 } root)
        {
            return System.IO.Path.Combine(root, relative);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = System.IO.Path.Combine(dir.FullName, relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"{relative} not found above {Directory.GetCurrentDirectory()}; set KEYSTONE_SCRIPTS_ROOT to the repository root");
    }

    /// <summary>Runs <c>bash <paramref name="script"/> <paramref name="argument"/></c>; returns its log (stderr), throws when it fails.</summary>
    public static async Task<string> RunAsync(string script, string argument)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? stderr
            : throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}: {stderr}");
    }
}
