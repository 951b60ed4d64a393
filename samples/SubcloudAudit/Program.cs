// SubcloudAudit: dcmanager-style audit of N subclouds by M workers, every
// cycle, through one shared token cache -- and the count that matters: token
// POSTs vs calls.
//
//   . /tmp/ks/openrc            # an admin of the local Keystone (scripts/keystone)
//   dotnet run --project samples/SubcloudAudit -- [--subclouds 50] [--workers 8] [--cycles 3]
//              [--calls 3] [--keystone-dir /tmp/ks] [--keep-users]
//
// The local Keystone plays every subcloud: each "subcloud" is its own user
// (audit-sc-0001, ...), created at start with the admin credentials from OS_*
// and deleted at the end, so there are N distinct identities and N tokens.
// Each cycle the workers audit every subcloud with --calls identity API GETs,
// each through a session the factory makes at run time (no DI registration per
// subcloud), sent where the endpoint map (Keystone's endpoint list) says. With the cache, token POSTs = N for the whole run however many
// cycles and calls; without it (--no-cache) every call costs a POST.
// --keystone-dir DIR: before the last cycle, scripts/keystone/invalidate-all-keys.sh
// kills every token (like a fernet key replacement): each subcloud then gets a
// 401, one re-authentication, and the audit goes on without an error.
//
// Many processes (FleetRun.cs, FleetWorker.cs):
//   dotnet run --project samples/SubcloudAudit -- --processes 4 [--workers 8] [--seconds 8]
//              [--keystone-dir /tmp/ks] [--redis "127.0.0.1:PORT,password=..."] [--log]
// runs P copies of this program in --worker mode as the OS_* identity, without
// and then with the shared Redis tier, and prints the fleet's token POSTs.
using System.Diagnostics;
using System.Globalization;
using Keystone.Auth;
using Keystone.Auth.Samples;
using Keystone.Auth.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SubcloudAudit;

if (args.Contains("--worker"))
{
    return await FleetWorker.RunAsync(args);
}

if (args.Contains("--processes"))
{
    return await FleetRun.RunAsync(args);
}

var subclouds = IntArg("--subclouds", 50);
var workers = IntArg("--workers", 8);
var cycles = IntArg("--cycles", 3);
var callsPerAudit = IntArg("--calls", 3);
var keystoneDir = Arg("--keystone-dir");
var noCache = args.Contains("--no-cache");
var keepUsers = args.Contains("--keep-users");
if (subclouds < 1 || workers < 1 || cycles < 1 || callsPerAudit < 1)
{
    Console.Error.WriteLine("usage: SubcloudAudit [--subclouds N] [--workers M] [--cycles C] [--calls K] [--keystone-dir DIR] [--no-cache] [--keep-users]");
    return 2;
}

var counter = new WireCounter();
var services = new ServiceCollection();
services.AddKeystoneAuthFromEnvironment() // the admin identity (OS_*) sets up the subclouds
        .AddEndpointMap();                // and lists Keystone's endpoints: one map for every session
var runtime = services.AddKeystoneAuthFactory();
if (!noCache)
{
    runtime.AddTokenCaching();             // run-time identities share one TokenCache, by cache id
}

services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).AddHttpMessageHandler(counter.CreateHandler);
await using var provider = services.BuildServiceProvider();
try
{
    provider.GetRequiredService<IStartupValidator>().Validate();
}
catch (Exception ex) when (ex is OptionsValidationException or InvalidOptionsException)
{
    Console.Error.WriteLine("Incomplete OS_* environment (source an openrc first): " + ex.Message);
    return 2;
}

var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
var admin = provider.GetRequiredService<KeystoneSession>();
var users = new SubcloudUsers(admin, "audit-sc-");
var template = provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName);
var region = provider.GetRequiredService<IOptionsMonitor<KeystoneAuthOptions>>().Get(Options.DefaultName).RegionName;

Console.WriteLine($"SubcloudAudit: {subclouds} subclouds, {workers} workers, {cycles} cycles, {callsPerAudit} calls per subcloud per cycle, cache {(noCache ? "OFF" : "on")}");
// Where the audits go: the map's endpoint for the region (internal for RegionOne
// and SystemController, admin for a subcloud), not each token's catalog.
var map = provider.GetRequiredService<EndpointMap>();
await map.RefreshAsync();
var target = map.FilterFor(string.IsNullOrEmpty(region) ? "RegionOne" : region, "identity");
Console.WriteLine($"endpoint map: {map.Regions.Count} regions; audits go to {await map.GetEndpointAsync(target.RegionName!, "identity")} ({EndpointFilter.InterfaceName(target.Interface)})");

Console.Write($"setting up {subclouds} subcloud identities ... ");
var identities = await users.EnsureAsync(subclouds, template, CancellationToken.None);
Console.WriteLine("done");

var setup = (counter.TokenPosts, counter.Calls);
var errors = 0;
var paths = new[] { "/auth/projects", "/auth/catalog", "/auth/domains", "/auth/system" };
var total = Stopwatch.StartNew();
int posts, calls;
try
{
    for (var cycle = 1; cycle <= cycles; cycle++)
    {
        if (cycle == cycles && cycles > 1 && keystoneDir is not null)
        {
            var script = KeystoneScripts.Find(KeystoneScripts.InvalidateAllKeys);
            Console.WriteLine($"replacing every fernet key of {keystoneDir}: all cached tokens are now dead");
            await KeystoneScripts.RunAsync(script, keystoneDir);
        }

        var done = 0;
        var started = (counter.TokenPosts, counter.Calls);
        using var progress = new Timer(_ => Draw(cycle, Volatile.Read(ref done)), null, 0, 200);
        await Parallel.ForEachAsync(identities, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (identity, ct) =>
        {
            // A new session per audit, as a worker would make; the token comes from the cache.
            using var session = factory.CreateSession(identity);
            for (var i = 0; i < callsPerAudit; i++)
            {
                try
                {
                    using var response = await session.GetAsync(paths[i % paths.Length], target, ct);
                }
                catch (KeystoneException ex)
                {
                    Interlocked.Increment(ref errors);
                    Console.Error.WriteLine($"\n  {ex.GetType().Name}: {ex.Message}");
                }
            }

            Interlocked.Increment(ref done);
        });
        progress.Change(Timeout.Infinite, Timeout.Infinite);
        Draw(cycle, subclouds);
        Console.WriteLine($"  -> this cycle: {counter.Calls - started.Calls} calls, {counter.TokenPosts - started.TokenPosts} token POSTs");
    }

    // Before the clean-up, whose calls are not part of the audit.
    posts = counter.TokenPosts - setup.TokenPosts;
    calls = counter.Calls - setup.Calls;
}
finally
{
    if (!keepUsers)
    {
        Console.WriteLine($"removed {await users.DeleteAsync(CancellationToken.None)} subcloud users");
    }
}

Console.WriteLine();
Console.WriteLine($"audit: {calls} calls, {posts} token POSTs, {errors} errors in {total.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine($"  {(double)posts / subclouds:0.##} token POSTs per subcloud over {cycles} cycles; without a cache it would be {subclouds * cycles * callsPerAudit}");
if (!noCache)
{
    Console.WriteLine($"  token cache: {provider.GetRequiredService<TokenCache>().Count} identities (the subclouds and the admin)");
}

return errors == 0 ? 0 : 1;

void Draw(int cycle, int done)
{
    const int Width = 30;
    var filled = (int)Math.Round((double)done / subclouds * Width);
    Console.Write($"\rcycle {cycle}/{cycles} [{new string('#', filled)}{new string('.', Width - filled)}] {done,5}/{subclouds} subclouds | calls {counter.Calls - setup.Calls,7} | token POSTs {counter.TokenPosts - setup.TokenPosts,6} | errors {Volatile.Read(ref errors)}");
    if (done == subclouds)
    {
        Console.WriteLine();
    }
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int IntArg(string name, int fallback) => Arg(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
