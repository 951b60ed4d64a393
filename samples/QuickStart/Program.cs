// QuickStart: authenticate to OpenStack Keystone with the OS_* variables of an
// openrc file, reuse the cached token, and survive a full fernet key
// replacement without the caller noticing.
//
//   source openrc                      # OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ...
//   export KEYSTONE_DIR=/tmp/ks        # optional: the local Keystone to rotate keys of
//   dotnet run --project samples/QuickStart
//
// scripts/demo.sh does all of that against a throw-away local Keystone.
using System.Diagnostics;
using System.Net;
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.Samples;

const string Path = "/auth/projects"; // any token may call it: the projects the user has a role on
var identity = new EndpointFilter("identity", EndpointInterface.Public);
var failures = new List<string>();

var options = PasswordAuthOptions.FromEnvironment();

// The counter sits just above the sockets: what it sees is what went on the wire.
var counter = new WireCounter(trace: true);
using var http = new HttpClient(counter.CreateHandler(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), AllowAutoRedirect = false }));
PasswordAuth password;
try
{
    // The plugin checks its options before any request, naming each one at fault.
    password = new PasswordAuth(options, http);
}
catch (InvalidOptionsException e)
{
    Console.Error.WriteLine("Incomplete OS_* environment (source an openrc first):");
    foreach (var problem in e.Failures)
    {
        Console.Error.WriteLine("  - " + problem);
    }

    return 2;
}

var auth = new CachingPasswordAuth(password, TokenCache.Shared);
using var session = new KeystoneSession(auth, http);

Console.WriteLine("Keystone.Auth QuickStart");
Console.WriteLine($"  auth URL : {options.AuthUrl}");
Console.WriteLine($"  user     : {options.Username ?? options.UserId} (domain {options.UserDomainName ?? options.UserDomainId})");
Console.WriteLine($"  project  : {options.ProjectName ?? options.ProjectId} (domain {options.ProjectDomainName ?? options.ProjectDomainId})");
Console.WriteLine();

try
{
    // 1. First call: the cache is empty, so exactly one token POST.
    Heading("1. First call (empty cache)");
    var mark = Mark();
    var status = await CallAsync();
    var access = await session.GetAccessAsync();
    Console.WriteLine($"   GET {Path} -> {(int)status} {status}");
    Console.WriteLine($"   token {access.TokenFingerprint}, expires {access.ExpiresAt:u}");
    Console.WriteLine($"   user {access.User?.Name}, project {access.Project?.Name} ({access.Project?.Id}), roles {string.Join(", ", access.Roles.Select(r => r.Name))}");
    Console.WriteLine($"   identity endpoint from the catalog: {await session.GetEndpointAsync(identity)}");
    Report(mark, expectedPosts: 1, callerSaw: status);

    // 2. The next hundred calls reuse the cached token: no token POST at all.
    Heading("2. 100 more calls");
    mark = Mark();
    var watch = Stopwatch.StartNew();
    var ok = 0;
    for (var i = 0; i < 100; i++)
    {
        if (await CallAsync() == HttpStatusCode.OK)
        {
            ok++;
        }
    }

    Console.WriteLine($"   {ok}/100 answered 200 OK in {watch.ElapsedMilliseconds} ms, all with token {(await session.GetAccessAsync()).TokenFingerprint}");
    Expect(ok == 100, $"{100 - ok} of 100 calls failed");
    Report(mark, expectedPosts: 0, callerSaw: HttpStatusCode.OK, showTrace: false);

    // 3. Replace every fernet key: the cached token dies on the server. The
    //    next call gets 401, the library drops that token, fetches a new one
    //    and resends once; the caller just sees 200.
    Heading("3. Full fernet key replacement");
    var keystoneDir = Environment.GetEnvironmentVariable("KEYSTONE_DIR");
    if (string.IsNullOrEmpty(keystoneDir))
    {
        Console.WriteLine("   skipped: set KEYSTONE_DIR to the local Keystone's directory (scripts/demo.sh does)");
    }
    else
    {
        var script = KeystoneScripts.Find(KeystoneScripts.InvalidateAllKeys);
        Console.WriteLine($"   running {script} {keystoneDir}");
        foreach (var line in (await KeystoneScripts.RunAsync(script, keystoneDir)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine("     " + line);
        }

        var old = access.TokenFingerprint;
        mark = Mark();
        status = await CallAsync();
        var fresh = await session.GetAccessAsync();
        Console.WriteLine($"   GET {Path} -> {(int)status} {status} (what the caller sees)");
        Console.WriteLine($"   token {old} -> {fresh.TokenFingerprint}");
        Expect(fresh.TokenFingerprint != old, "the token was not replaced");
        Expect(counter.Unauthorized - mark.Unauthorized == 1, $"expected exactly one 401, saw {counter.Unauthorized - mark.Unauthorized}");
        Expect(counter.Requests - mark.Requests == 3, $"expected 3 requests on the wire (401, POST, resend), saw {counter.Requests - mark.Requests}");
        Report(mark, expectedPosts: 1, callerSaw: status);
    }
}
catch (KeystoneException ex)
{
    Console.Error.WriteLine($"FAILED: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

Console.WriteLine();
if (failures.Count > 0)
{
    Console.WriteLine($"QuickStart FAILED ({failures.Count}):");
    failures.ForEach(f => Console.WriteLine("  - " + f));
    return 1;
}

Console.WriteLine($"QuickStart OK: {counter.TokenPosts} token POSTs for {counter.Calls} authenticated calls.");
return 0;

async Task<HttpStatusCode> CallAsync()
{
    using var response = await session.GetAsync(Path, identity);
    return response.StatusCode;
}

Mark Mark() => new(counter.TokenPosts, counter.Unauthorized, counter.Requests, counter.TraceLength);

void Report(Mark since, int expectedPosts, HttpStatusCode callerSaw, bool showTrace = true)
{
    if (showTrace)
    {
        Console.WriteLine("   on the wire:");
        foreach (var line in counter.TraceFrom(since.Trace))
        {
            Console.WriteLine("     " + line);
        }
    }

    var posts = counter.TokenPosts - since.TokenPosts;
    Console.WriteLine($"   token POSTs: {posts} (expected {expectedPosts})  requests: {counter.Requests - since.Requests}  401s: {counter.Unauthorized - since.Unauthorized}");
    Expect(posts == expectedPosts, $"expected {expectedPosts} token POSTs, saw {posts}");
    Expect(callerSaw == HttpStatusCode.OK, $"the caller saw {(int)callerSaw}");
}

void Expect(bool condition, string failure)
{
    if (!condition)
    {
        failures.Add(failure);
        Console.WriteLine("   !! " + failure);
    }
}

static void Heading(string text)
{
    Console.WriteLine();
    Console.WriteLine(text);
}

internal readonly record struct Mark(int TokenPosts, int Unauthorized, int Requests, int Trace);
