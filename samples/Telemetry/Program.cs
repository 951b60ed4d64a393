// Telemetry: the library's meter and activity source exported by OpenTelemetry
// to the console, from a host that uses the IHttpClientFactory handler.
//
//   source openrc                      # OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, ...
//   export KEYSTONE_DIR=/tmp/ks        # optional: the local Keystone to replace the keys of
//   dotnet run --project samples/Telemetry
//
// scripts/demo.sh Telemetry does all of that against a throw-away local Keystone.
// What to look for in the output: a "Keystone.Auth.TokenRequest" activity per
// token POST (2: the first call and the one after the key replacement), and
// the metrics at exit: keystone.auth.token.requests{outcome=success} = 2,
// keystone.auth.cache.hits, keystone.auth.reauth.retries{status=401} = 1.
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.Samples;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

// Subscribing by the public names is all the wiring the library needs.
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics
        .AddMeter(KeystoneDiagnostics.MeterName)
        .AddConsoleExporter())
    .WithTracing(tracing => tracing
        .AddSource(KeystoneDiagnostics.ActivitySourceName)
        .AddConsoleExporter());

builder.Services.AddKeystoneAuthFromEnvironment().AddTokenCaching();
builder.Services.AddHttpClient("identity").AddKeystoneAuthHandler(new EndpointFilter("identity", EndpointInterface.Public));

using var host = builder.Build();
await host.StartAsync();

var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("identity");
var failed = 0;
async Task CallAsync(int count)
{
    for (var i = 0; i < count; i++)
    {
        // Relative to the identity endpoint the catalog names.
        using var response = await http.GetAsync(new Uri("auth/projects", UriKind.Relative));
        failed += response.IsSuccessStatusCode ? 0 : 1;
    }
}

Console.WriteLine("== 20 calls: one token POST, then cache hits");
await CallAsync(20);

var keystoneDir = Environment.GetEnvironmentVariable("KEYSTONE_DIR");
if (string.IsNullOrEmpty(keystoneDir))
{
    Console.WriteLine("== key replacement skipped: set KEYSTONE_DIR (scripts/demo.sh Telemetry does)");
}
else
{
    Console.WriteLine("== every fernet key replaced, then 20 calls: one 401, one token POST, one resend");
    await KeystoneScripts.RunAsync(KeystoneScripts.Find(KeystoneScripts.InvalidateAllKeys), keystoneDir);
    await CallAsync(20);
}

// Stopping the host disposes the meter provider, which exports the metrics once more.
await host.StopAsync();
Console.WriteLine(failed == 0 ? "Telemetry sample: every call succeeded" : $"Telemetry sample: {failed} calls FAILED");
return failed == 0 ? 0 : 1;
