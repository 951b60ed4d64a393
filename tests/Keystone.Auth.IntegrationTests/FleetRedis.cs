using System.Diagnostics;
using System.Globalization;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// A real redis-server for the fleet tests, run by scripts/redis/ in its own
/// temp folder (free port, password). Raw access goes through redis-cli with
/// the password in REDISCLI_AUTH (never on a command line), so the tests read
/// and damage entries without any code of the library.
/// </summary>
internal sealed class FleetRedis : IAsyncDisposable
{
    /// <summary>The store's default key prefix; entries are PREFIX + name, leases PREFIX + name + ":lease".</summary>
    public const string KeyPrefix = "keystone-auth:";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private FleetRedis(string dir, int port)
    {
        Dir = dir;
        Port = port;
    }

    public string Dir { get; }

    public int Port { get; }

    public string Configuration => $"127.0.0.1:{Port},password={Password}";

    private string Password => File.ReadAllText(Path.Combine(Dir, "password")).Trim();

    public static async Task<FleetRedis> StartNewAsync()
    {
        await RunScriptAsync("install.sh", TimeSpan.FromMinutes(5));
        var dir = Directory.CreateTempSubdirectory("keystone-auth-it-fleet-redis-").FullName;
        await RunScriptAsync("start.sh", s_timeout, dir, "auto");
        return new FleetRedis(dir, int.Parse(File.ReadAllText(Path.Combine(dir, "port")).Trim(), CultureInfo.InvariantCulture));
    }

    /// <summary>stop.sh: the "Redis outage".</summary>
    public Task StopAsync() => RunScriptAsync("stop.sh", s_timeout, Dir);

    /// <summary>start.sh on the same port and password: back, empty.</summary>
    public Task RestartAsync() => RunScriptAsync("start.sh", s_timeout, Dir, Port.ToString(CultureInfo.InvariantCulture));

    /// <summary>FLUSHALL, so that every test starts with an empty shared tier.</summary>
    public Task FlushAsync() => CliAsync("FLUSHALL");

    /// <summary>The names of the token entries (leases left out).</summary>
    public async Task<IReadOnlyList<string>> EntryKeysAsync()
    {
        var output = await CliAsync("--scan", "--pattern", KeyPrefix + "*");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(k => !k.EndsWith(":lease", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Overwrites an entry's value with <paramref name="value"/>, keeping its time to live.</summary>
    public async Task OverwriteAsync(string key, string value)
    {
        var reply = (await CliAsync("SET", key, value, "XX", "KEEPTTL")).Trim();
        if (reply != "OK")
        {
            throw new InvalidOperationException($"SET {key} answered '{reply}'");
        }
    }

    public async Task<string> GetAsync(string key) => (await CliAsync("GET", key)).TrimEnd('\n');

    /// <summary>StackExchange.Redis connections open now (each store has two: commands and pub/sub).</summary>
    public async Task<int> StoreConnectionCountAsync()
    {
        var list = await CliAsync("CLIENT", "LIST");
        return list.Split('\n').Count(line => line.Contains("name=", StringComparison.Ordinal) && line.Contains("SE.Redis", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }

    private static Task<string> RunScriptAsync(string script, TimeSpan timeout, params string[] args) =>
        ScriptRunner.RunAsync(Path.Combine("..", "redis", script), timeout, args);

    private async Task<string> CliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["REDISCLI_AUTH"] = Password;
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture) }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run redis-cli");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(s_timeout);
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli {args.FirstOrDefault()} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
