using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// One real Keystone (uwsgi, 2 workers) on 127.0.0.1, driven only through
/// scripts/keystone/. Its directory is keyed by repository path and reused by
/// later runs (install + setup are done once); a lock file keeps two test runs
/// from sharing one directory (the second falls back to a fresh temp dir).
/// </summary>
internal sealed class KeystoneServer : IAsyncDisposable
{
    public const int Workers = 2;

    // A bare machine installs the Debian packages first (a few minutes).
    private static readonly TimeSpan s_ensureTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromMinutes(2);

    private readonly FileStream? _lock;
    private readonly bool _ownsDir;
    private bool _running;

    private KeystoneServer(string dir, FileStream? dirLock, bool ownsDir)
    {
        Dir = dir;
        _lock = dirLock;
        _ownsDir = ownsDir;
    }

    public string Dir { get; }

    public int Port { get; private set; }

    public string AuthUrl => $"http://127.0.0.1:{Port}/v3";

    public string UwsgiLog => Path.Combine(Dir, "log", "uwsgi.log");

    /// <summary>The admin user keystone-manage bootstrap made, scoped to the admin project.</summary>
    public PasswordAuthOptions AdminUser() => new()
    {
        AuthUrl = AuthUrl, Username = "admin", UserDomainName = "Default", Password = AdminApi.AdminPassword,
        ProjectName = "admin", ProjectDomainName = "Default",
    };

    /// <summary>ensure.sh (install + setup when missing), then start.sh on a free port.</summary>
    public static async Task<KeystoneServer> StartNewAsync(string name)
    {
        var (dir, dirLock, ownsDir) = ClaimDirectory(name);
        var server = new KeystoneServer(dir, dirLock, ownsDir);
        try
        {
            await ScriptRunner.RunAsync("ensure.sh", s_ensureTimeout, dir);

            // A run of ours that crashed may have left its server behind; we hold
            // the directory lock, so nobody else is using it. stop.sh only kills
            // the uwsgi recorded in this directory's pidfile.
            await ScriptRunner.RunAsync("stop.sh", s_scriptTimeout, dir);
            await server.StartAsync("auto");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>start.sh DIR PORT|auto 2 (it prints the master PID last); records the port.</summary>
    public async Task StartAsync(string port)
    {
        var stdout = await ScriptRunner.RunAsync("start.sh", s_scriptTimeout, Dir, port, Workers.ToString(CultureInfo.InvariantCulture));
        var lastLine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (!int.TryParse(lastLine, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException($"start.sh printed no PID (stdout: '{stdout}')");
        }

        _running = true;
        Port = int.Parse(File.ReadAllText(Path.Combine(Dir, "run", "port")).Trim(), CultureInfo.InvariantCulture);
    }

    public async Task StopAsync()
    {
        await ScriptRunner.RunAsync("stop.sh", s_scriptTimeout, Dir);
        _running = false;
    }

    /// <summary>invalidate-all-keys.sh: every token issued so far dies, no restart.</summary>
    public Task InvalidateAllKeysAsync(string mode = "rotate") =>
        ScriptRunner.RunAsync("invalidate-all-keys.sh", s_scriptTimeout, Dir, mode);

    /// <summary>Lines of the uwsgi access log (one per request) that contain <paramref name="needle"/>.</summary>
    public int CountLogLines(string needle)
    {
        using var stream = new FileStream(UwsgiLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(needle, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// uwsgi writes a request's log line after the response has gone out, so
    /// the client can be a little ahead: wait (bounded) until at least
    /// <paramref name="atLeast"/> lines are there, then return the count.
    /// </summary>
    public async Task<int> CountLogLinesAsync(string needle, int atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var count = CountLogLines(needle);
            if (count >= atLeast || DateTime.UtcNow > deadline)
            {
                return count;
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_running || File.Exists(Path.Combine(Dir, "run", "uwsgi.pid")))
            {
                await StopAsync();
            }
        }
        finally
        {
            _lock?.Dispose();
            if (_ownsDir)
            {
                try
                {
                    Directory.Delete(Dir, recursive: true);
                }
                catch (IOException)
                {
                    // a temp dir left behind is harmless
                }
            }
        }
    }

    private static (string Dir, FileStream? Lock, bool OwnsDir) ClaimDirectory(string name)
    {
        var root = Environment.GetEnvironmentVariable("KS_IT_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "keystone-auth-it-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RepoPaths.Root)))[..10]);
        var dir = root + "-" + name;
        try
        {
            var dirLock = new FileStream(dir + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return (dir, dirLock, false);
        }
        catch (IOException)
        {
            // Another test run holds this directory: set up a private one.
            return (Directory.CreateTempSubdirectory("keystone-auth-it-" + name + "-").FullName, null, true);
        }
    }
}
