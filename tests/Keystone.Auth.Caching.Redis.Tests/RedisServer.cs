using System.Diagnostics;
using System.Reflection;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>
/// One real redis-server run by scripts/redis/ in its own temp folder: a
/// free port, a password, an ACL user. Stop and restart it on the same port
/// to play a Redis outage. Every script failure throws with its stderr.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private RedisServer(string dir, int port)
    {
        Dir = dir;
        Port = port;
    }

    public string Dir { get; }

    public int Port { get; }

    public string Password => File.ReadAllText(Path.Combine(Dir, "password")).Trim();

    public string AclUser => File.ReadAllText(Path.Combine(Dir, "acl-user")).Trim();

    public string AclPassword => File.ReadAllText(Path.Combine(Dir, "acl-password")).Trim();

    /// <summary>The configuration string of the default user.</summary>
    public string Configuration => $"127.0.0.1:{Port},password={Password}";

    public static async Task<RedisServer> StartNewAsync()
    {
        await RunAsync("install.sh", TimeSpan.FromMinutes(5));
        var dir = Path.Combine(Path.GetTempPath(), "keystone-redis-tests-" + Guid.NewGuid().ToString("N")[..12]);
        await RunAsync("start.sh", TimeSpan.FromSeconds(60), dir, "auto");
        var port = int.Parse(File.ReadAllText(Path.Combine(dir, "port")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return new RedisServer(dir, port);
    }

    public Task StopAsync() => RunAsync("stop.sh", TimeSpan.FromSeconds(60), Dir);

    /// <summary>Starts it again on the same port and with the same passwords (empty: no persistence).</summary>
    public Task RestartAsync() => RunAsync("start.sh", TimeSpan.FromSeconds(60), Dir, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));

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

    private static async Task<string> RunAsync(string script, TimeSpan timeout, params string[] args)
    {
        var path = Path.Combine(RepoRoot(), "scripts", "redis", script);
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {path}");
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
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"scripts/redis/{script} did not finish within {timeout}: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/redis/{script} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keystone.sln")))
            {
                return dir.FullName;
            }
        }

        return typeof(RedisServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value
            ?? throw new InvalidOperationException("cannot find the repository (Keystone.sln) above " + AppContext.BaseDirectory);
    }
}

/// <summary>One Redis for the tests that do not stop it. Fails (never skips) when it cannot start.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    internal RedisServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await RedisServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisGroup : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
