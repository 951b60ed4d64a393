using System.Collections.Concurrent;
using System.Text.Json;
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.Redis;
using Microsoft.Extensions.Logging;

namespace SubcloudAudit;

/// <summary>
/// <c>SubcloudAudit --worker</c>: ONE process of a fleet (as one of
/// dcmanager's audit-worker processes), W tasks calling Keystone through one
/// session and one in-process token cache, optionally in front of the shared
/// Redis tier. Driven by its parent through stdin/stdout so that P of them can
/// start together and be told when a rotation happens.
/// </summary>
/// <remarks>
/// Secrets never go on the command line (anyone can read /proc/*/cmdline):
/// the identity comes from the <c>OS_*</c> variables and the Redis
/// configuration string from <see cref="RedisVariable"/>.
/// Protocol: prints <c>ready</c> once set up; waits for a <c>go</c> line (the
/// start barrier); prints <c>called</c> after its first successful call (so
/// that a parent knows the fleet is warm without guessing a delay); <c>mark</c> snapshots the counters (answered <c>marked</c>)
/// so that the parent can split "before" and "after" a key rotation;
/// <c>stop</c>, end of stdin or <c>--seconds</c> end the run; in-flight calls
/// finish, then one JSON line of results is printed and the exit code is
/// 0 only when no call failed. <c>--log</c> writes the library's warnings to stderr.
/// </remarks>
internal static class FleetWorker
{
    /// <summary>The environment variable holding the Redis configuration string (it may hold a password).</summary>
    public const string RedisVariable = "KEYSTONE_AUTH_REDIS";

    /// <summary>An authenticated call any token may make.</summary>
    private const string CallPath = "/auth/projects";

    public static async Task<int> RunAsync(string[] args)
    {
        var workers = Args.Int(args, "--workers", 8);
        var seconds = Args.Double(args, "--seconds", 0);
        var breakerOpen = Args.Double(args, "--breaker-open", 0);
        var log = args.Contains("--log");
        var options = PasswordAuthOptions.FromEnvironment();
        var region = Environment.GetEnvironmentVariable("OS_REGION_NAME");

        var counter = new FleetCounter();
        var transport = new KeystoneTransportOptions { MaxConnectionsPerServer = Math.Max(10, workers) };
        using var http = new HttpClient(counter.Wrap(KeystoneTransport.CreateHandler(transport)));
        await using var store = await ConnectAsync(breakerOpen, log ? new StderrLogger<RedisTokenStore>() : null);
        var cache = SharedTier.CreateCache(store, log ? new StderrLogger<TokenCache>() : null, out var shared);
        var auth = new CachingPasswordAuth(new PasswordAuth(options, http), cache);
        using var session = new KeystoneSession(auth, http);
        var filter = new EndpointFilter("identity", EndpointInterface.Public, region);

        Console.WriteLine("ready");
        using var stopping = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Snapshot? mark = null;
        var control = Task.Run(async () =>
        {
            // EOF ends the run too: a parent that died leaves no worker behind.
            while (await Console.In.ReadLineAsync() is { } line)
            {
                switch (line.Trim())
                {
                    case "go": started.TrySetResult(); break;
                    case "mark": mark = counter.Take(); Console.WriteLine("marked"); break;
                    case "stop": stopping.Cancel(); return;
                }
            }

            started.TrySetResult();
            stopping.Cancel();
        });

        await started.Task;
        if (seconds > 0)
        {
            stopping.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        var firstCall = 0;
        var errors = new ConcurrentDictionary<string, int>();
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            // Calls are never cancelled midway: "stop" ends the loop, not a call,
            // so every call counted either succeeded or really failed.
            while (!stopping.IsCancellationRequested)
            {
                var trail = new List<string>();
                FleetCounter.Trail.Value = trail;
                try
                {
                    using var response = await session.GetAsync(CallPath, filter, CancellationToken.None);
                    counter.Succeeded();
                    if (Interlocked.Exchange(ref firstCall, 1) == 0)
                    {
                        Console.WriteLine("called");
                    }
                }
                catch (Exception ex) when (ex is KeystoneException or HttpRequestException)
                {
                    counter.Failed();
                    // What this call sent, in order (token fingerprints and statuses), shows
                    // for instance a resend that carried the very token just rejected.
                    string sent;
                    lock (trail)
                    {
                        sent = string.Join(" -> ", trail);
                    }

                    errors.AddOrUpdate($"{ex.GetType().Name}: {ex.Message} [sent: {sent}]", 1, (_, n) => n + 1);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        // Whose token this process ended with (a cache hit), so that a parent
        // can tell identities apart without ever seeing a token.
        string? userId = null;
        try
        {
            userId = (await session.GetAccessAsync(CancellationToken.None)).User?.Id;
        }
        catch (KeystoneException)
        {
            // The report matters more; its failure counts already say what went wrong.
        }

        var end = counter.Take();
        var report = new FleetReport(
            shared, end.Calls, end.Failures, end.TokenPosts, end.Unauthorized,
            [.. counter.Tokens], userId, mark,
            [.. errors.OrderByDescending(e => e.Value).Take(5).Select(e => $"{e.Value}x {e.Key}")]);
        Console.WriteLine(JsonSerializer.Serialize(report, FleetReport.Json));
        return end.Failures == 0 ? 0 : 1;
    }

    private static async Task<RedisTokenStore?> ConnectAsync(double breakerOpenSeconds, ILogger? logger)
    {
        if (Environment.GetEnvironmentVariable(RedisVariable) is not { Length: > 0 } configuration)
        {
            return null;
        }

        var options = new RedisTokenStoreOptions { Configuration = configuration };
        if (breakerOpenSeconds > 0)
        {
            // Tests that restart Redis want sharing back within a second, not five.
            options.BreakerOpenDuration = TimeSpan.FromSeconds(breakerOpenSeconds);
        }

        return await RedisTokenStore.ConnectAsync(options, logger, CancellationToken.None);
    }
}

