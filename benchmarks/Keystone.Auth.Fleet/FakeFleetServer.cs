using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Fleet;

/// <summary>
/// One in-process Kestrel listening on every subcloud's address (Keystone on
/// 5000, platform API on 6385): one server rather than thousands, so that the
/// process holds one accept loop per address but no per-server threads. It
/// tells subclouds apart by the local address a connection arrived on.
/// </summary>
internal sealed class FakeFleetServer : IAsyncDisposable
{
    private const string Unauthorized = """{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}""";
    private static readonly byte[] AuditBody = Encoding.UTF8.GetBytes("""{"isystems":[{"uuid":"5a3f0e9c","name":"subcloud","system_mode":"simplex","software_version":"24.09"}]}""");

    private readonly WebApplication _app;
    private readonly VirtualClock _clock;
    private readonly TimeSpan _tokenLifetime;

    private FakeFleetServer(WebApplication app, VirtualClock clock, FakeSubcloud[] subclouds, FleetCounters counters, TimeSpan tokenLifetime)
    {
        _app = app;
        _clock = clock;
        Subclouds = subclouds;
        Counters = counters;
        _tokenLifetime = tokenLifetime;
    }

    public FakeSubcloud[] Subclouds { get; }

    /// <summary>The first listener is Keystone, the second the platform API.</summary>
    public FleetPorts Ports { get; private set; } = null!;
    public FleetCounters Counters { get; }

    public static async Task<FakeFleetServer> StartAsync(FleetOptions options, VirtualClock clock, FleetCounters counters)
    {
        var subclouds = Enumerable.Range(0, options.Subclouds).Select(i => new FakeSubcloud(i)).ToArray();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            // Two wildcard listeners instead of one per subcloud address: all of
            // 127/8 arrives on lo, the local address still tells subclouds apart,
            // and 2 descriptors replace 2 per subcloud, which at 5,000 subclouds
            // is what keeps the process under a 20,000 open-files limit.
            k.Listen(IPAddress.Any, 0);
            k.Listen(IPAddress.Any, 0);
        });
        var app = builder.Build();
        var server = new FakeFleetServer(app, clock, subclouds, counters, options.TokenLifetime);
        app.Run(server.DispatchAsync);
        await app.StartAsync().ConfigureAwait(false);
        var ports = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port).ToArray();
        server.Ports = new FleetPorts(ports[0], ports[1]);
        return server;
    }

    private Task DispatchAsync(HttpContext context)
    {
        var index = FleetAddresses.SubcloudOf(context.Connection.LocalIpAddress, out var moved);
        var at = _clock.Elapsed;
        if (index < 0 || index >= Subclouds.Length)
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        }

        var subcloud = Subclouds[index];
        if (moved != subcloud.Moved)
        {
            // The subcloud is not (or no longer) at this address: nothing answers.
            FleetCounters.Add(Counters.StaleAddressRequests, at);
            context.Abort();
            return Task.CompletedTask;
        }

        return context.Connection.LocalPort == Ports.Keystone
            ? KeystoneAsync(context, subcloud, moved, at)
            : PlatformAsync(context, subcloud, at);
    }

    private async Task KeystoneAsync(HttpContext context, FakeSubcloud subcloud, bool moved, TimeSpan at)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/v3/auth/tokens")
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (subcloud.KeystoneDown)
        {
            // Down: the request is reset, as when nothing listens behind the proxy.
            FleetCounters.Add(Counters.RefusedPosts, at);
            context.Abort();
            return;
        }

        using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false))
        {
            // A malformed request would be a library bug: refuse it loudly.
            if (!body.RootElement.TryGetProperty("auth", out _))
            {
                context.Response.StatusCode = 400;
                return;
            }
        }

        FleetCounters.Add(Counters.TokenPosts, at);
        var now = _clock.GetUtcNow();
        var expires = now + _tokenLifetime;
        var (serial, _) = subcloud.Issue(now, expires, moved);
        context.Response.StatusCode = 201;

        // A token POST comes once per ~55 virtual minutes, a few real seconds
        // here. In production the pool's idle timeout (60 s) closes that
        // connection long before the next POST; closing it after the answer
        // gives the same steady state in compressed time, instead of one idle
        // Keystone connection per subcloud that production would not have.
        context.Response.Headers.Connection = "close";
        context.Response.Headers["X-Subject-Token"] = TokenCodec.Encode(subcloud.Index, subcloud.KeyGeneration, serial, expires);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(TokenBody(subcloud.Index, moved, Ports, now, expires), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task PlatformAsync(HttpContext context, FakeSubcloud subcloud, TimeSpan at)
    {
        FleetCounters.Add(Counters.ApiCalls, at);
        var token = context.Request.Headers["X-Auth-Token"].ToString();
        if (!TokenCodec.TryDecode(token, out var index, out var generation, out var serial, out var expires)
            || index != subcloud.Index || generation != subcloud.KeyGeneration || expires <= _clock.GetUtcNow())
        {
            FleetCounters.Add(Counters.ApiRejected, at);
            if (index == subcloud.Index)
            {
                subcloud.Rejected(serial);
            }

            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Unauthorized, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(AuditBody, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A project-scoped token with a StarlingX subcloud catalog (identity + platform, three interfaces, the subcloud's region).</summary>
    private static byte[] TokenBody(int index, bool moved, FleetPorts ports, DateTimeOffset issued, DateTimeOffset expires)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var region = FleetAddresses.Region(index);
            w.WriteStartObject();
            w.WriteStartObject("token");
            w.WriteStartArray("methods");
            w.WriteStringValue("password");
            w.WriteEndArray();
            w.WriteStartObject("user");
            w.WriteString("id", "d6f2b8c4a1e94f0b9c3d2e1f0a9b8c7d");
            w.WriteString("name", "dcmanager");
            WriteDomain(w);
            w.WriteString("password_expires_at", (string?)null);
            w.WriteEndObject();
            w.WriteStartArray("audit_ids");
            w.WriteStringValue("q3CzC8NeRTWYVu2pXHVz6Q");
            w.WriteEndArray();
            w.WriteString("issued_at", Stamp(issued));
            w.WriteString("expires_at", Stamp(expires));
            w.WriteStartObject("project");
            w.WriteString("id", "0b4c3f8e7d6a4b5c9e8f7a6b5c4d3e2f");
            w.WriteString("name", "services");
            WriteDomain(w);
            w.WriteEndObject();
            w.WriteBoolean("is_domain", false);
            w.WriteStartArray("roles");
            w.WriteStartObject();
            w.WriteString("id", "9fe2ff9ee4384b1894a90878d3e92bab");
            w.WriteString("name", "admin");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("catalog");
            WriteService(w, "identity", "keystone", FleetAddresses.AuthUrl(index, moved, ports), region, 1);
            WriteService(w, "platform", "sysinv", FleetAddresses.PlatformUrl(index, moved, ports), region, 2);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteDomain(Utf8JsonWriter w)
    {
        w.WriteStartObject("domain");
        w.WriteString("id", "default");
        w.WriteString("name", "Default");
        w.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter w, string type, string name, string url, string region, int n)
    {
        w.WriteStartObject();
        w.WriteString("id", $"{n:x32}");
        w.WriteString("type", type);
        w.WriteString("name", name);
        w.WriteStartArray("endpoints");
        foreach (var (iface, k) in new[] { ("public", 1), ("internal", 2), ("admin", 3) })
        {
            w.WriteStartObject();
            w.WriteString("id", $"{n * 16 + k:x32}");
            w.WriteString("interface", iface);
            w.WriteString("region", region);
            w.WriteString("region_id", region);
            w.WriteString("url", url);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
