using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Keystone.Auth;
using Keystone.Auth.Benchmarks;

// --memory: print managed memory per cached identity for 1,000 and 10,000
// identities (no BenchmarkDotNet run). Anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--memory")
{
    Console.WriteLine("| Identities | Tokens+catalogs B/entry | of which catalog B/entry | Cache overhead B/entry | Total B/entry | Total MB |");
    Console.WriteLine("|-----------:|------------------------:|-------------------------:|-----------------------:|--------------:|---------:|");
    foreach (var n in new[] { 1_000, 10_000 })
    {
        var f = CacheFill.Create(n);
        var total = f.AccessBytes + f.CacheBytes;
        var catalog = CacheFill.CatalogBytes(n);
        Console.WriteLine($"| {n,10:N0} | {f.AccessBytes / n,23:N0} | {catalog / n,24:N0} | {f.CacheBytes / n,22:N0} | {total / n,13:N0} | {total / 1024.0 / 1024.0,8:N1} |");
        GC.KeepAlive(f);
    }

    // The same tokens as the JSON parser produces them (what a cache really
    // holds), then again once every catalog has resolved one endpoint (a used
    // catalog keeps its last answer).
    foreach (var n in new[] { 1_000, 10_000 })
    {
        var (parsed, used, encoded) = ParsedBytesPerToken(n);
        Console.WriteLine($"parsed from JSON, {n:N0} identities: {parsed:N0} B per token with its catalog ({encoded:N0} B of it the encoded catalog), {parsed * n / 1024.0 / 1024.0:N1} MB; after one endpoint lookup each: {used:N0} B, {used * n / 1024.0 / 1024.0:N1} MB");
    }

    return 0;
}

// A short job by default: a full run takes minutes on 2 cores, and every
// result is a ratio to a baseline measured in the same run. Each benchmark
// gets its own process: in one shared process, tiered compilation and dynamic
// PGO shape the code the benchmarks share (the send path, HttpClient) for
// whichever ran first, and a later one pays for it (the handler path measured
// ~60 ns slower after the session benchmarks than alone). `--job` on the
// command line replaces it.
var config = (IConfig)DefaultConfig.Instance;
if (!args.Contains("--job") && !args.Contains("-j"))
{
    config = config.AddJob(Job.ShortRun.WithId("Short"));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;

// Own method, so that nothing of the measurements above is still reachable.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static (long Parsed, long Used, long Encoded) ParsedBytesPerToken(int n)
{
    var now = DateTimeOffset.UtcNow;
    var bodies = Enumerable.Range(0, n).Select(i => (Token: Tokens.FernetLike(i), Json: Tokens.Json(i, now))).ToArray();
    var parsed = new AccessInfo[n];
    var before = CacheFill.Measure();
    for (var i = 0; i < n; i++)
    {
        parsed[i] = AccessInfo.FromTokenResponse(bodies[i].Token, bodies[i].Json, now);
    }

    var after = GC.GetTotalMemory(forceFullCollection: true);
    var filter = new EndpointFilter("platform", EndpointInterface.Admin);
    long encoded = 0;
    foreach (var access in parsed)
    {
        _ = access.Catalog.GetEndpoint(filter);
        encoded += access.Catalog.EncodedLength;
    }

    var afterLookup = GC.GetTotalMemory(forceFullCollection: true);
    GC.KeepAlive(parsed);
    GC.KeepAlive(bodies);
    return ((after - before) / n, (afterLookup - before) / n, encoded / n);
}
