using System.Diagnostics;
using System.Globalization;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Fleet;

/// <summary>
/// Client CPU per call on a real Keystone: sequential authenticated GETs of
/// the identity endpoint's /projects (from the catalog), process CPU time
/// divided by calls, after a warm-up that JIT-compiles the path and caches the
/// token. Credentials come from OS_* (source the Keystone's openrc). Runtime
/// knobs are set by the caller's environment (DOTNET_*), so that the same
/// binary is measured under each setting. benchmarks/ksa/ksa_cpu.py measures
/// keystoneauth1 the same way; benchmarks/run-cpu-per-call.sh runs both.
/// </summary>
internal static class CpuPerCall
{
    private static readonly EndpointFilter Identity = new("identity", EndpointInterface.Public);

    public static async Task<int> RunAsync(int calls, bool raw, bool connectionClose)
    {
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions()));
        var cache = new TokenCache();
        using var session = new KeystoneSession(new CachingPasswordAuth(new PasswordAuth(PasswordAuthOptions.FromEnvironment(), http), cache), http);
        var access = await session.GetAccessAsync().ConfigureAwait(false);
        var url = access.Catalog!.TryGetEndpoint(Identity, out var root) ? root.TrimEnd('/') + "/projects" : throw new InvalidOperationException("no public identity endpoint in the catalog");

        async Task OneAsync()
        {
            if (raw)
            {
                // The cached token set by hand: what the library adds is everything else.
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Add("X-Auth-Token", access.Token);
                request.Headers.ConnectionClose = connectionClose;
                using var response = await http.SendAsync(request).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            }
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "projects");
                request.Headers.ConnectionClose = connectionClose;
                using var response = await session.SendAsync(request, Identity).ConfigureAwait(false);
            }
        }

        for (var i = 0; i < Math.Min(200, calls); i++)
        {
            await OneAsync().ConfigureAwait(false);
        }

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await OneAsync().ConfigureAwait(false);
        }

        wall.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpu0;
        var knobs = string.Join(" ", Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(IsRuntimeKnob).Order()
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"client\":\"{(raw ? "raw HttpClient" : "Keystone.Auth")}\",\"settings\":\"{(knobs.Length == 0 ? "defaults" : knobs)}{(connectionClose ? " Connection: close" : "")}\",\"calls\":{calls},\"cpu_us_per_call\":{cpu.TotalMicroseconds / calls:F1},\"wall_ms_per_call\":{wall.Elapsed.TotalMilliseconds / calls:F2}}}"));
        return 0;
    }

    // The SDK's own DOTNET_CLI_* and friends change nothing at run time: only the knobs under test are printed.
    private static bool IsRuntimeKnob(string name) =>
        name.StartsWith("DOTNET_", StringComparison.Ordinal)
        && !name.StartsWith("DOTNET_CLI_", StringComparison.Ordinal)
        && name is not ("DOTNET_ROOT" or "DOTNET_NOLOGO" or "DOTNET_GENERATE_ASPNET_CERTIFICATE");
}
