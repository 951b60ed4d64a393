using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Service-type aliases against a real token's catalog: Keystone lists a
/// service registered as <c>volumev3</c> (as StarlingX catalogs still do), and
/// a lookup for the official <c>block-storage</c> finds it and a request goes
/// there. The service lives in a region of its own, so no other entry of the
/// catalog can answer for it.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class CatalogAliasTests(KeystoneFixture fx)
{
    private const string Region = "ksit-volume-region";
    private const string ServiceName = "ksit-cinderv3";

    [Fact]
    public async Task Block_storage_finds_the_volumev3_service_of_a_real_catalog_and_a_request_goes_there()
    {
        // Keystone's own URL, so that an authenticated GET through it answers 200.
        await EnsureVolumeV3Async(fx.AuthUrl);
        using var rig = new Rig(fx.Alice());

        var access = await rig.Session.GetAccessAsync();
        var listed = access.Catalog.Services.Where(s => s.Endpoints.Any(e => e.RegionId == Region)).ToList();
        Assert.Equal("volumev3", Assert.Single(listed).Type);
        Assert.DoesNotContain(access.Catalog.Services, s => s.Type == "block-storage");

        var blockStorage = new EndpointFilter("block-storage", EndpointInterface.Internal, Region);
        Assert.Equal(fx.AuthUrl, await rig.Session.GetEndpointAsync(blockStorage));
        Assert.Equal(fx.AuthUrl, await rig.Session.GetEndpointAsync(new EndpointFilter("volumev3", EndpointInterface.Admin, Region)));

        using var response = await rig.Session.GetAsync(TestHttp.AuthenticatedPath, blockStorage);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri(fx.AuthUrl + TestHttp.AuthenticatedPath), response.RequestMessage!.RequestUri);

        // One token POST, then the GET: counted on the wire, not by the library.
        Assert.Equal(["POST 201", "GET 200"], rig.Counter.Events.Select(e => e.Short));
    }

    [Fact]
    public async Task A_sibling_alias_does_not_find_volumev3_in_a_real_catalog()
    {
        await EnsureVolumeV3Async(fx.AuthUrl);
        using var rig = new Rig(fx.Alice());

        // keystoneauth: an alias finds itself and its official type only.
        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(
            () => rig.Session.GetEndpointAsync(new EndpointFilter("volumev2", EndpointInterface.Public, Region)).AsTask());

        Assert.False(ex.CatalogIsEmpty);
        Assert.Contains("volumev2", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Region <see cref="Region"/> and a <c>volumev3</c> service with public,
    /// internal and admin endpoints at <paramref name="url"/> in it. Idempotent:
    /// the endpoints are replaced, since the server's port changes between runs.
    /// </summary>
    private async Task EnsureVolumeV3Async(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var token = await fx.Admin.AdminTokenAsync();
        var api = fx.AuthUrl;

        using (var region = await SendAsync(http, token, HttpMethod.Get, $"{api}/regions/{Region}"))
        {
            if (region.StatusCode == HttpStatusCode.NotFound)
            {
                (await SendAsync(http, token, HttpMethod.Post, $"{api}/regions", new JsonObject { ["region"] = new JsonObject { ["id"] = Region } })).Dispose();
            }
        }

        var services = await ReadAsync(http, token, $"{api}/services?type=volumev3");
        var serviceId = services["services"]!.AsArray().FirstOrDefault(s => s?["name"]?.GetValue<string>() == ServiceName)?["id"]?.GetValue<string>();
        if (serviceId is null)
        {
            using var created = await SendAsync(http, token, HttpMethod.Post, $"{api}/services",
                new JsonObject { ["service"] = new JsonObject { ["type"] = "volumev3", ["name"] = ServiceName, ["enabled"] = true } });
            serviceId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["service"]!["id"]!.GetValue<string>();
        }

        var endpoints = await ReadAsync(http, token, $"{api}/endpoints?service_id={serviceId}");
        foreach (var endpoint in endpoints["endpoints"]!.AsArray())
        {
            (await SendAsync(http, token, HttpMethod.Delete, $"{api}/endpoints/{endpoint!["id"]!.GetValue<string>()}")).Dispose();
        }

        foreach (var iface in new[] { "public", "internal", "admin" })
        {
            (await SendAsync(http, token, HttpMethod.Post, $"{api}/endpoints", new JsonObject
            {
                ["endpoint"] = new JsonObject { ["service_id"] = serviceId, ["interface"] = iface, ["url"] = url, ["region_id"] = Region },
            })).Dispose();
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpClient http, string token, string url)
    {
        using var response = await SendAsync(http, token, HttpMethod.Get, url);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string token, HttpMethod method, string url, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Auth-Token", token);
        if (body is not null)
        {
            // Buffered with a Content-Length: uwsgi's http-socket does not read chunked bodies.
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode && !(method == HttpMethod.Get && response.StatusCode == HttpStatusCode.NotFound))
        {
            var text = await response.Content.ReadAsStringAsync();
            response.Dispose();
            throw new InvalidOperationException($"Keystone admin API: {method} {url} answered {(int)response.StatusCode}: {text}");
        }

        return response;
    }
}
