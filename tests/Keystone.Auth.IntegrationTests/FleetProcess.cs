using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// One worker OS process of a fleet (<c>SubcloudAudit --worker</c>): its own
/// runtime, HttpClient and in-process token cache, W tasks calling Keystone.
/// Driven by stdin lines (<c>go</c>, <c>mark</c>, <c>stop</c>); its results
/// come back as one JSON line. The identity and the Redis string go by
/// environment, never on the command line.
/// </summary>
internal sealed class FleetProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan s_replyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private FleetProcess(Process process, string name)
    {
        _process = process;
        Name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>Starts the worker; it prints "ready" once its cache (and store) are set up.</summary>
    public static FleetProcess Start(string name, string workerDll, PasswordAuthOptions identity, string? redisConfiguration, int workers, TimeSpan? breakerOpen = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(workerDll);
        start.ArgumentList.Add("--worker");
        start.ArgumentList.Add("--workers");
        start.ArgumentList.Add(workers.ToString(CultureInfo.InvariantCulture));
        if (breakerOpen is { } open)
        {
            start.ArgumentList.Add("--breaker-open");
            start.ArgumentList.Add(open.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        }

        // Only this identity: nothing of the test runner's own OS_* leaks in.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }

        start.Environment["OS_AUTH_URL"] = identity.AuthUrl;
        start.Environment["OS_USERNAME"] = identity.Username;
        start.Environment["OS_USER_DOMAIN_NAME"] = identity.UserDomainName;
        start.Environment["OS_PASSWORD"] = identity.Password;
        start.Environment["OS_PROJECT_NAME"] = identity.ProjectName;
        start.Environment["OS_PROJECT_DOMAIN_NAME"] = identity.ProjectDomainName;
        start.Environment["OS_REGION_NAME"] = "RegionOne";
        start.Environment.Remove("KEYSTONE_AUTH_REDIS");
        if (redisConfiguration is not null)
        {
            start.Environment["KEYSTONE_AUTH_REDIS"] = redisConfiguration;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet " + workerDll);
        return new FleetProcess(process, name);
    }

    public Task ReadyAsync() => ExpectAsync("ready");

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>The worker's first call succeeded (it says so once, after "go").</summary>
    public Task CalledAsync() => ExpectAsync("called");

    public Task MarkedAsync() => ExpectAsync("marked");

    /// <summary>Sends "stop" and reads the JSON report; in-flight calls finish first.</summary>
    public async Task<WorkerReport> StopAsync()
    {
        Send("stop");
        var line = await ReadLineAsync("its report");
        using var cts = new CancellationTokenSource(s_replyTimeout);
        await _process.WaitForExitAsync(cts.Token);
        return JsonSerializer.Deserialize<WorkerReport>(line, s_json)
            ?? throw new InvalidOperationException($"{Name} printed an empty report");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Only the process this test started.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task ExpectAsync(string expected)
    {
        var line = await ReadLineAsync($"'{expected}'");
        if (line != expected)
        {
            throw new InvalidOperationException($"{Name} said '{line}' instead of '{expected}'. stderr: {Stderr()}");
        }
    }

    private async Task<string> ReadLineAsync(string what)
    {
        using var cts = new CancellationTokenSource(s_replyTimeout);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"{Name} exited (code {(_process.HasExited ? _process.ExitCode : -1)}) before {what}. stderr: {Stderr()}");
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"{Name} gave no {what} within {s_replyTimeout.TotalSeconds:0} s. stderr: {Stderr()}");
        }
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.ToString();
        }
    }
}

/// <summary>A worker's counters at one moment, counted on its wire (below the library).</summary>
internal sealed record WorkerCounts(int Calls, int Failures, int TokenPosts, int Unauthorized);

/// <summary>What a worker process printed at exit (samples/SubcloudAudit/FleetWorker.cs).</summary>
internal sealed record WorkerReport(
    bool SharedTier, int Calls, int Failures, int TokenPosts, int Unauthorized,
    string[] Tokens, string? UserId, WorkerCounts? AtMark, string[] Errors)
{
    public override string ToString() =>
        $"calls={Calls} failures={Failures} posts={TokenPosts} 401={Unauthorized} tokens={Tokens.Length} mark=({AtMark}) errors=[{string.Join("; ", Errors)}]";
}
