using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.Tests;

/// <summary>
/// A fake Keystone answering <c>/v3/regions</c>, <c>/v3/services</c>,
/// <c>/v3/endpoints</c> and <c>/v3/auth/tokens</c> (validation) from mutable
/// state, counting every request per path at the HTTP layer. <see cref="HoldEndpoints"/>
/// parks endpoint-list requests until released, so a test can pile callers up on one refresh.
/// </summary>
internal sealed class FakeIdentityLists : HttpMessageHandler
{
    public const string IdentityUrl = "https://keystone.test:5001/v3";

    private readonly object _gate = new();
    private readonly List<(string Region, string Type, string Interface, string Url)> _endpoints = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private int _endpointGetsStarted;

    public FakeIdentityLists()
    {
        AddSubcloud("RegionOne", "192.168.204.2");
        AddSubcloud("SystemController", "192.168.204.3");
        AddSubcloud("subcloud1", "10.20.1.2");
    }

    /// <summary>When set, a GET /v3/endpoints waits for it before answering.</summary>
    public TaskCompletionSource? HoldEndpoints { get; set; }

    /// <summary>When set, replaces the body of the named list (e.g. a hostile answer).</summary>
    public Func<string, HttpResponseMessage?>? Override { get; set; }

    public int EndpointGetsStarted => Volatile.Read(ref _endpointGetsStarted);

    public void AddSubcloud(string region, string ip)
    {
        var host = ip.Contains(':', StringComparison.Ordinal) ? "[" + ip + "]" : ip;
        lock (_gate)
        {
            foreach (var iface in new[] { "admin", "internal", "public" })
            {
                _endpoints.Add((region, "platform", iface, $"https://{host}:6386/v1/{iface}"));
                _endpoints.Add((region, "identity", iface, $"https://{host}:5001/v3/{iface}"));
            }
        }
    }

    public int Count(string path)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(path);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        lock (_gate)
        {
            _counts[path] = _counts.GetValueOrDefault(path) + 1;
        }

        if (path == "/v3/endpoints")
        {
            Interlocked.Increment(ref _endpointGetsStarted);
            if (HoldEndpoints is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
        }

        if (Override?.Invoke(path) is { } replaced)
        {
            replaced.RequestMessage = request;
            return replaced;
        }

        string body;
        lock (_gate)
        {
            body = path switch
            {
                "/v3/regions" => new JsonObject
                {
                    ["regions"] = new JsonArray(_endpoints.Select(e => e.Region).Distinct().Select(r => (JsonNode)new JsonObject { ["id"] = r, ["parent_region_id"] = null }).ToArray()),
                }.ToJsonString(),
                "/v3/services" => """{"services":[{"id":"svc-platform","type":"platform","name":"sysinv","enabled":true},{"id":"svc-identity","type":"identity","name":"keystone","enabled":true},{"id":"svc-off","type":"disabled","name":"x","enabled":false}]}""",
                "/v3/endpoints" => new JsonObject
                {
                    ["endpoints"] = new JsonArray(_endpoints.Select((e, i) => (JsonNode)new JsonObject
                    {
                        ["id"] = "ep-" + i,
                        ["service_id"] = e.Type == "platform" ? "svc-platform" : "svc-identity",
                        ["interface"] = e.Interface,
                        ["region_id"] = e.Region,
                        ["region"] = e.Region,
                        ["url"] = e.Url,
                        ["enabled"] = true,
                    }).ToArray()),
                }.ToJsonString(),
                _ => "{}",
            };
        }

        return new HttpResponseMessage(path is "/v3/regions" or "/v3/services" or "/v3/endpoints" ? HttpStatusCode.OK : HttpStatusCode.NotFound)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
    }

    /// <summary>A client over this server, calling as a fixed admin token.</summary>
    public KeystoneIdentityClient Client(int maxResponseBytes = 64 * 1024 * 1024) =>
        new(new FixedTokenAuth(new FixedTokenAuthOptions { Token = "admin-token", Endpoint = IdentityUrl }),
            new HttpClient(this, disposeHandler: false),
            new KeystoneIdentityClientOptions { IdentityUrl = IdentityUrl, MaxResponseBytes = maxResponseBytes });
}
