using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Plain-HTTP admin calls (no Keystone.Auth code) that create regions, services
/// and endpoints in the test Keystone, idempotently: the server's database
/// outlives a test run.
/// </summary>
internal sealed class EndpointAdmin(string authUrl, HttpClient http, AdminApi admin)
{
    public async Task<string> EnsureServiceAsync(string type, string name)
    {
        var token = await admin.AdminTokenAsync();
        var list = await GetAsync(token, $"services?type={type}");
        if (list["services"]!.AsArray().FirstOrDefault(s => s!["name"]?.GetValue<string>() == name) is { } found)
        {
            return found["id"]!.GetValue<string>();
        }

        var created = await SendAsync(token, HttpMethod.Post, "services", new JsonObject { ["service"] = new JsonObject { ["type"] = type, ["name"] = name, ["enabled"] = true } });
        return created!["service"]!["id"]!.GetValue<string>();
    }

    public async Task EnsureRegionAsync(string region)
    {
        var token = await admin.AdminTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{authUrl}/regions") { Content = Json(new JsonObject { ["region"] = new JsonObject { ["id"] = region } }) };
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureAsync(response, "POST /regions " + region);
        }
    }

    /// <summary>Platform and identity endpoints, admin/internal/public, of one subcloud at <paramref name="host"/>.</summary>
    public async Task EnsureSubcloudAsync(string region, string host, int platformPort = 6386)
    {
        await EnsureRegionAsync(region);
        var platform = await EnsureServiceAsync("platform", "sysinv");
        var identity = await EnsureServiceAsync("identity", "keystone");
        foreach (var iface in new[] { "admin", "internal", "public" })
        {
            await EnsureEndpointAsync(platform, region, iface, $"http://{host}:{platformPort}/v1");
            await EnsureEndpointAsync(identity, region, iface, $"http://{host}:5000/v3");
        }
    }

    public async Task EnsureEndpointAsync(string serviceId, string region, string iface, string url)
    {
        var token = await admin.AdminTokenAsync();
        var list = await GetAsync(token, $"endpoints?service_id={serviceId}&region_id={region}&interface={iface}");
        if (list["endpoints"]!.AsArray().Any(e => e!["url"]?.GetValue<string>() == url))
        {
            return;
        }

        await SendAsync(token, HttpMethod.Post, "endpoints", new JsonObject
        {
            ["endpoint"] = new JsonObject { ["service_id"] = serviceId, ["region_id"] = region, ["interface"] = iface, ["url"] = url, ["enabled"] = true },
        });
    }

    /// <summary>Removes a region made for one run, with its endpoints, so repeated runs do not pile them up.</summary>
    public async Task DeleteRegionAsync(string region)
    {
        var token = await admin.AdminTokenAsync();
        var list = await GetAsync(token, $"endpoints?region_id={region}");
        foreach (var endpoint in list["endpoints"]!.AsArray())
        {
            await DeleteAsync(token, "endpoints/" + endpoint!["id"]!.GetValue<string>());
        }

        await DeleteAsync(token, "regions/" + region);
    }

    private async Task DeleteAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{authUrl}/{path}");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, "DELETE /" + path);
    }

    private async Task<JsonObject> GetAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{authUrl}/{path}");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, "GET /" + path);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject?> SendAsync(string token, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, $"{authUrl}/{path}") { Content = Json(body) };
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, $"{method} /{path}");
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }

    // Buffered with a Content-Length (uwsgi does not read chunked bodies).
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Keystone admin API: {what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
