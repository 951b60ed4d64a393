using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
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

    return 0;
}

// A short in-process job by default: a full run takes minutes on 2 cores, and
// every result is a ratio to a baseline measured in the same run, which keeps
// it meaningful on a noisy machine. `--job` on the command line replaces it.
var config = (IConfig)DefaultConfig.Instance;
if (!args.Contains("--job") && !args.Contains("-j"))
{
    config = config.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
return 0;
