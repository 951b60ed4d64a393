using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.LoadTest;

// Keystone.Auth against a real Keystone: cold start, key replacement under load,
// sustained GETs vs raw HttpClient. Credentials from the OS_* variables
// (source DIR/openrc). Prints one JSON object per scenario on stdout
// (progress on stderr); benchmarks/run-loadtest.sh turns them into a table.
//
//   dotnet Keystone.Auth.LoadTest.dll --keystone-dir DIR [--workers 8,32,128]
//       [--seconds 6] [--rotate-at 3] [--sustained-workers 16] [--sustained-seconds 4]
//       [--scenarios rotate,sustained]
var options = LoadOptions.Parse(args);
var auth = PasswordAuthOptions.FromEnvironment();
if (auth.AuthUrl is null || !Uri.TryCreate(auth.AuthUrl, UriKind.Absolute, out var authUri) || !authUri.IsLoopback)
{
    Console.Error.WriteLine("loadtest: OS_AUTH_URL must be a loopback URL (source DIR/openrc first)");
    return 2;
}

var runner = new Runner(options, auth);
var ok = true;
if (options.Scenarios.Contains("rotate"))
{
    foreach (var workers in options.Workers)
    {
        var result = await runner.ColdThenRotateAsync(workers);
        Console.WriteLine(JsonSerializer.Serialize(result, ResultJson.Default.Result));
        ok &= result.RotateExitCode == 0;
    }
}

if (options.Scenarios.Contains("sustained"))
{
    foreach (var result in await runner.SustainedAsync(options.SustainedWorkers))
    {
        Console.WriteLine(JsonSerializer.Serialize(result, ResultJson.Default.Result));
    }
}

return ok ? 0 : 1;

namespace Keystone.Auth.LoadTest
{
    internal sealed record LoadOptions(
        string KeystoneDir, int[] Workers, double Seconds, double RotateAt, int SustainedWorkers, double SustainedSeconds, HashSet<string> Scenarios)
    {
        public string UwsgiLog => Path.Combine(KeystoneDir, "log", "uwsgi.log");

        public static LoadOptions Parse(string[] args)
        {
            string? dir = null;
            int[] workers = [8, 32, 128];
            double seconds = 6, rotateAt = 3, sustainedSeconds = 4;
            var sustainedWorkers = 16;
            HashSet<string> scenarios = ["rotate", "sustained"];
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--keystone-dir": dir = Next(); break;
                    case "--workers": workers = [.. Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture))]; break;
                    case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--rotate-at": rotateAt = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--sustained-workers": sustainedWorkers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--sustained-seconds": sustainedSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--scenarios": scenarios = [.. Next().Split(',')]; break;
                    default: throw new ArgumentException($"unknown argument {args[i]}");
                }
            }

            if (dir is null || !File.Exists(Path.Combine(dir, "log", "uwsgi.log")))
            {
                throw new ArgumentException("--keystone-dir DIR (a Keystone started by scripts/keystone/start.sh) is required");
            }

            return new LoadOptions(Path.GetFullPath(dir), workers, seconds, rotateAt, sustainedWorkers, sustainedSeconds, scenarios);
        }
    }

    internal sealed record Result
    {
        public required string Client { get; init; }

        public required string Scenario { get; init; }

        public required int Workers { get; init; }

        public required double Seconds { get; init; }

        public long Calls { get; init; }

        public long Failed { get; init; }

        /// <summary>POST /v3/auth/tokens lines in the server's access log during the run.</summary>
        public long? TokenPosts { get; init; }

        public long? TokenPostsCold { get; init; }

        public long? TokenPostsAfterRotate { get; init; }

        public long? FailedAfterRotate { get; init; }

        public double? RotateSeconds { get; init; }

        public int? RotateExitCode { get; init; }

        public double Rps { get; init; }

        public double? P50Ms { get; init; }

        public double? P99Ms { get; init; }

        public IReadOnlyList<string>? Errors { get; init; }
    }

    [System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    [System.Text.Json.Serialization.JsonSerializable(typeof(Result))]
    internal sealed partial class ResultJson : System.Text.Json.Serialization.JsonSerializerContext
    {
    }

    /// <summary>One call's outcome: when it ended (Stopwatch ticks), how long it took, whether it got a 200.</summary>
    internal readonly record struct Sample(long EndTicks, double Ms, bool Ok);

    internal sealed class Runner(LoadOptions options, PasswordAuthOptions auth)
    {
        private static readonly EndpointFilter s_identity = new("identity", EndpointInterface.Public);
        private readonly List<string> _errors = [];

        /// <summary>
        /// Scenarios 1 and 2 in one run: W workers start together on an empty cache
        /// (each its own plugin and session over one shared cache, as distcloud
        /// workers each have theirs), and at --rotate-at every fernet key is replaced.
        /// The workers go on for (seconds - rotate-at) after the replacement has
        /// finished: on a loaded machine the script itself can take seconds.
        /// </summary>
        public async Task<Result> ColdThenRotateAsync(int workers)
        {
            _errors.Clear();
            using var http = NewHttpClient();
            var cache = new TokenCache();
            var sessions = Enumerable.Range(0, workers)
                .Select(_ => new KeystoneSession(new CachingPasswordAuth(new PasswordAuth(auth, http), cache), http))
                .ToArray();
            Console.Error.WriteLine($"[loadtest] Keystone.Auth cold+rotate, {workers} workers, {options.Seconds} s, rotate at {options.RotateAt} s");

            var offset0 = LogLength();
            long rotateOffset = -1, rotateStart = 0;
            double rotateSeconds = 0;
            var rotateExit = -1;
            var clock = Stopwatch.StartNew();
            var warm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // --rotate-at counts from the first answered call, not from the start:
            // on a loaded machine the cold start alone can take seconds, and its
            // token POST must not be counted as one caused by the rotation.
            var rotation = Task.Run(async () =>
            {
                await Task.WhenAny(warm.Task, Task.Delay(TimeSpan.FromSeconds(60))); // never hang if nothing succeeds
                await Task.Delay(TimeSpan.FromSeconds(options.RotateAt));
                rotateOffset = LogLength();
                rotateStart = Stopwatch.GetTimestamp();
                rotateExit = await RunInvalidateAsync();
                rotateSeconds = Stopwatch.GetElapsedTime(rotateStart).TotalSeconds;
            });
            var stop = rotation.ContinueWith(_ => Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.Seconds - options.RotateAt))), TaskScheduler.Default).Unwrap();
            var samples = await RunWorkersAsync(workers, stop, async (i, ct) =>
            {
                var ok = await Call(() => sessions[i].GetAsync("/projects", s_identity, ct));
                if (ok)
                {
                    warm.TrySetResult();
                }

                return ok;
            });
            var elapsed = clock.Elapsed.TotalSeconds;
            await rotation;
            await Task.Delay(300); // uwsgi logs a request just after answering it

            var posts = CountPosts(offset0);
            var after = rotateOffset >= 0 ? CountPosts(rotateOffset) : (long?)null;
            foreach (var s in sessions)
            {
                s.Dispose();
            }

            return Summarize("Keystone.Auth", "cold+rotate", workers, elapsed, samples) with
            {
                TokenPosts = posts,
                TokenPostsCold = posts - after,
                TokenPostsAfterRotate = after,
                FailedAfterRotate = samples.LongCount(s => !s.Ok && s.EndTicks >= rotateStart),
                RotateSeconds = Math.Round(rotateSeconds, 3),
                RotateExitCode = rotateExit,
            };
        }

        /// <summary>
        /// Scenario 3: a warm cache, W workers doing GETs, this library vs raw
        /// HttpClient with the same token in a fixed header. Alternated twice so
        /// that drift in the machine's load hits both alike.
        /// </summary>
        public async Task<IReadOnlyList<Result>> SustainedAsync(int workers)
        {
            using var http = NewHttpClient();
            var password = new PasswordAuth(auth, http);
            var caching = new CachingPasswordAuth(password, new TokenCache());
            using var session = new KeystoneSession(caching, http);
            var access = await session.GetAccessAsync();
            var url = new Uri(access.Catalog.GetEndpoint(s_identity).TrimEnd('/') + "/projects");
            var token = access.Token;
            await Task.Delay(300);

            var half = options.SustainedSeconds / 2;
            var libSamples = new List<Sample>();
            var rawSamples = new List<Sample>();
            double libElapsed = 0, rawElapsed = 0;
            long libPosts = 0;
            for (var round = 0; round < 2; round++)
            {
                _errors.Clear();
                Console.Error.WriteLine($"[loadtest] sustained round {round + 1}: raw HttpClient, {workers} workers, {half} s");
                var sw = Stopwatch.StartNew();
                rawSamples.AddRange(await RunWorkersAsync(workers, Task.Delay(TimeSpan.FromSeconds(half)), (_, ct) => Call(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
                    return http.SendAsync(request, ct);
                })));
                rawElapsed += sw.Elapsed.TotalSeconds;

                Console.Error.WriteLine($"[loadtest] sustained round {round + 1}: Keystone.Auth, {workers} workers, {half} s");
                var offset = LogLength();
                sw.Restart();
                libSamples.AddRange(await RunWorkersAsync(workers, Task.Delay(TimeSpan.FromSeconds(half)), (_, ct) => Call(() => session.GetAsync("/projects", s_identity, ct))));
                libElapsed += sw.Elapsed.TotalSeconds;
                await Task.Delay(300);
                libPosts += CountPosts(offset);
            }

            return
            [
                Summarize("raw HttpClient", "sustained", workers, rawElapsed, rawSamples) with { TokenPosts = 0 },
                Summarize("Keystone.Auth", "sustained", workers, libElapsed, libSamples) with { TokenPosts = libPosts },
            ];
        }

        private static HttpClient NewHttpClient() => new(new SocketsHttpHandler
        {
            // the server closes every connection (uwsgi http-socket); keep-alive buys nothing
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            // Bounded (too many pooled connections per server exhaust file descriptors at scale): 128 workers would otherwise open 128
            // connections at once, overflow uwsgi's listen backlog (100) and turn
            // server overload into connect timeouts.
            MaxConnectionsPerServer = 32,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

        private async Task<bool> Call(Func<Task<HttpResponseMessage>> send)
        {
            try
            {
                using var response = await send();
                if (response.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return true;
                }

                Note($"HTTP {(int)response.StatusCode}");
                return false;
            }
            catch (Exception ex)
            {
                Note($"{ex.GetType().Name}: {ex.Message}");
                return false;
            }
        }

        private void Note(string error)
        {
            lock (_errors)
            {
                if (_errors.Count < 5)
                {
                    _errors.Add(error.Length > 160 ? error[..160] : error);
                }
            }
        }

        /// <summary>W workers released together, each calling in a loop until <paramref name="stop"/> completes.</summary>
        private static async Task<List<Sample>> RunWorkersAsync(int workers, Task stop, Func<int, CancellationToken, Task<bool>> call)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var perWorker = new List<Sample>[workers];
            var tasks = Enumerable.Range(0, workers).Select(i => Task.Run(async () =>
            {
                var mine = perWorker[i] = [];
                await start.Task;
                while (true)
                {
                    if (stop.IsCompleted)
                    {
                        break;
                    }

                    var t0 = Stopwatch.GetTimestamp();
                    var ok = await call(i, CancellationToken.None);
                    var t1 = Stopwatch.GetTimestamp();
                    mine.Add(new Sample(t1, Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, ok));
                }
            })).ToArray();

            start.SetResult();
            await Task.WhenAll(tasks);
            return [.. perWorker.SelectMany(s => s)];
        }

        private Result Summarize(string client, string scenario, int workers, double elapsed, List<Sample> samples)
        {
            var ms = samples.Select(s => s.Ms).Order().ToArray();
            List<string> errors;
            lock (_errors)
            {
                errors = [.. _errors];
            }

            return new Result
            {
                Client = client,
                Scenario = scenario,
                Workers = workers,
                Seconds = Math.Round(elapsed, 2),
                Calls = samples.Count,
                Failed = samples.LongCount(s => !s.Ok),
                Rps = Math.Round(samples.Count / elapsed, 1),
                P50Ms = Percentile(ms, 50),
                P99Ms = Percentile(ms, 99),
                Errors = errors.Count > 0 ? errors : null,
            };
        }

        /// <summary>Nearest-rank percentile (the same definition ksa_load.py uses).</summary>
        private static double? Percentile(double[] sorted, double p)
        {
            if (sorted.Length == 0)
            {
                return null;
            }

            var k = Math.Clamp((int)Math.Round((p / 100.0 * sorted.Length) + 0.5, MidpointRounding.ToEven) - 1, 0, sorted.Length - 1);
            return Math.Round(sorted[k], 2);
        }

        private long LogLength() => new FileInfo(options.UwsgiLog).Length;

        /// <summary>Token POSTs counted by the server, not the client: its access-log lines from a byte offset on.</summary>
        private long CountPosts(long offset)
        {
            using var stream = new FileStream(options.UwsgiLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length < offset)
            {
                offset = 0; // truncated: the server was restarted
            }

            stream.Seek(offset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            long count = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("POST /v3/auth/tokens", StringComparison.Ordinal))
                {
                    count++;
                }
            }

            return count;
        }

        private async Task<int> RunInvalidateAsync()
        {
            var script = Path.Combine(RepoRoot(), "scripts", "keystone", "invalidate-all-keys.sh");
            var start = new ProcessStartInfo(script) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(options.KeystoneDir);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + script);
            var stderr = process.StandardError.ReadToEndAsync();
            _ = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"[loadtest] {script} failed ({process.ExitCode}): {await stderr}");
            }

            return process.ExitCode;
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

            // built into an artifacts folder outside the tree: the working directory
            return Environment.GetEnvironmentVariable("KS_REPO_ROOT") ?? Directory.GetCurrentDirectory();
        }
    }
}
