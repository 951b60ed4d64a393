// DbSyncClient: how StarlingX's dcdbsync client uses a Keystone session, in .NET.
//
//   . /tmp/ks/openrc                                   # OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_REGION_NAME, ...
//   dotnet run --project samples/DbSyncClient -- [--interface internal|admin] [--region R]
//                                                 [--rounds N] [--fallback auto|always|never]
//
// The endpoint of service type "dcorch-dbsync" (interface internal by default, as
// dcdbsync's endpoint_type internalURL) is looked up in the token's catalog. A
// plain Keystone has no such service: with --fallback auto (default) the sample
// then sends the same calls to the identity API (/v3/users for /identity/users/),
// through an EndpointOverride, and says so.
using System.Text.Json;
using DbSyncClient;
using Keystone.Auth;
using Keystone.Auth.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

var interfaceName = Arg("--interface") ?? Environment.GetEnvironmentVariable("OS_INTERFACE") ?? "internal";
var region = Arg("--region") ?? Environment.GetEnvironmentVariable("OS_REGION_NAME");
var rounds = int.Parse(Arg("--rounds") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
var fallback = Arg("--fallback") ?? "auto";
if (!EndpointFilter.TryParseInterface(interfaceName, out var endpointInterface) || fallback is not ("auto" or "always" or "never") || rounds < 1)
{
    Console.Error.WriteLine("usage: DbSyncClient [--interface internal|admin|public] [--region NAME] [--rounds N] [--fallback auto|always|never]");
    return 2;
}

var counter = new WireCounter();
var services = new ServiceCollection();

// OS_* variables: credentials, scope, OS_REGION_NAME/OS_INTERFACE, OS_CACERT/OS_INSECURE.
services.AddKeystoneAuthFromEnvironment()
        .AddTokenCaching()
        .ConfigureSession(s => s.DefaultHeaders["User-Agent"] = "dcdbsync/1.0 (Keystone.Auth sample)");
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
var dbsync = new EndpointFilter(DbSyncIdentityClient.ServiceType, endpointInterface, region);
using var probe = factory.CreateSession(string.Empty);

string? overrideUrl = null;
if (fallback != "never")
{
    string? dbsyncUrl = null;
    if (fallback == "auto")
    {
        try
        {
            dbsyncUrl = await probe.GetEndpointAsync(dbsync);
        }
        catch (EndpointNotFoundException ex)
        {
            Console.WriteLine($"catalog: {ex.Message}");
        }
    }

    if (dbsyncUrl is null)
    {
        overrideUrl = await probe.GetEndpointAsync(new EndpointFilter("identity", endpointInterface, region));
        Console.WriteLine($"fallback: no dcorch-dbsync here; sending the same calls to the identity API at {overrideUrl}");
    }
    else
    {
        Console.WriteLine($"dcorch-dbsync endpoint: {dbsyncUrl}");
    }
}

// The configured session settings (User-Agent above), plus the override.
var configured = provider.GetRequiredService<IOptionsMonitor<KeystoneAuthOptions>>().Get(Options.DefaultName).Session;
var sessionOptions = new KeystoneSessionOptions { EndpointOverride = overrideUrl };
foreach (var header in configured.DefaultHeaders)
{
    sessionOptions.DefaultHeaders[header.Key] = header.Value;
}

using var session = factory.CreateSession(string.Empty, sessionOptions);
var client = new DbSyncIdentityClient(session, dbsync, overrideUrl is not null);

try
{
    for (var round = 1; round <= rounds; round++)
    {
        var before = (counter.TokenPosts, counter.Calls);
        using var users = await client.ListUsersAsync(CancellationToken.None);
        using var projects = await client.ListProjectsAsync(CancellationToken.None);
        using var roles = await client.ListRolesAsync(CancellationToken.None);
        var firstUser = users.RootElement.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()).FirstOrDefault();
        if (firstUser is not null)
        {
            using var user = await client.GetUserAsync(firstUser, CancellationToken.None);
            Console.WriteLine($"round {round}: user {user.RootElement.GetProperty("user").GetProperty("name").GetString()} ({firstUser})");
        }

        Console.WriteLine($"round {round}: {Count(users, "users")} users, {Count(projects, "projects")} projects, {Count(roles, "roles")} roles"
            + $" -- {counter.Calls - before.Calls} calls, {counter.TokenPosts - before.TokenPosts} token POST(s)");
    }
}
catch (KeystoneException ex)
{
    Console.Error.WriteLine($"failed: {ex.GetType().Name}: {ex.Message}");
    return 1;
}

Console.WriteLine($"total: {counter.Calls} calls, {counter.TokenPosts} token POST(s) (one token for every call: the cache)");
return 0;

static int Count(JsonDocument document, string property) => document.RootElement.GetProperty(property).GetArrayLength();

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
