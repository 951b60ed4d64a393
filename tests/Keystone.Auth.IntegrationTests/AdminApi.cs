using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Plain-HTTP admin calls (no Keystone.Auth code) used to seed and poke the
/// server. Each call gets a fresh admin token, because tests replace the
/// fernet keys and would kill a kept one.
/// </summary>
internal sealed class AdminApi(string authUrl, HttpClient http)
{
    public const string AdminPassword = "secret";

    public async Task<string> IssueTokenAsync(string userName, string userDomain, string password, JsonNode? scope)
    {
        var auth = new JsonObject
        {
            ["identity"] = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject
                {
                    ["user"] = new JsonObject { ["name"] = userName, ["domain"] = new JsonObject { ["name"] = userDomain }, ["password"] = password },
                },
            },
        };
        if (scope is not null)
        {
            auth["scope"] = scope;
        }

        using var response = await http.PostAsync($"{authUrl}/auth/tokens?nocatalog", Json(new JsonObject { ["auth"] = auth }));
        await EnsureAsync(response, "POST /auth/tokens for " + userName);
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    public Task<string> AdminTokenAsync() => IssueTokenAsync("admin", "Default", AdminPassword, new JsonObject
    {
        ["project"] = new JsonObject { ["name"] = "admin", ["domain"] = new JsonObject { ["name"] = "Default" } },
    });

    /// <summary>DELETE /v3/auth/tokens: revokes <paramref name="token"/>.</summary>
    public async Task RevokeAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{authUrl}/auth/tokens");
        request.Headers.Add("X-Auth-Token", await AdminTokenAsync());
        request.Headers.Add("X-Subject-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, "DELETE /auth/tokens");
    }

    /// <summary>GET /v3/auth/tokens: the status Keystone gives when validating <paramref name="token"/>.</summary>
    public async Task<HttpStatusCode> ValidateAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{authUrl}/auth/tokens?nocatalog");
        request.Headers.Add("X-Auth-Token", await AdminTokenAsync());
        request.Headers.Add("X-Subject-Token", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public async Task<SeedData> SeedAsync()
    {
        var admin = await AdminTokenAsync();
        var defaultDomain = "default";
        var domainId = await EnsureAsync(admin, "domains", $"name={SeedData.DomainName}", new JsonObject { ["name"] = SeedData.DomainName });
        var alphaId = await EnsureAsync(admin, "projects", $"name={SeedData.AlphaName}&domain_id={defaultDomain}",
            new JsonObject { ["name"] = SeedData.AlphaName, ["domain_id"] = defaultDomain });
        var betaId = await EnsureAsync(admin, "projects", $"name={SeedData.BetaName}&domain_id={defaultDomain}",
            new JsonObject { ["name"] = SeedData.BetaName, ["domain_id"] = defaultDomain });
        var gammaId = await EnsureAsync(admin, "projects", $"name={SeedData.GammaName}&domain_id={domainId}",
            new JsonObject { ["name"] = SeedData.GammaName, ["domain_id"] = domainId });

        // Existing users are left as they are: a password change would make
        // Keystone revoke the user's tokens issued in the same second.
        var aliceId = await EnsureAsync(admin, "users", $"name={SeedData.AliceName}&domain_id={defaultDomain}", new JsonObject
        {
            ["name"] = SeedData.AliceName, ["domain_id"] = defaultDomain, ["password"] = SeedData.AlicePassword,
            ["default_project_id"] = alphaId, ["enabled"] = true,
        });
        var bobId = await EnsureAsync(admin, "users", $"name={SeedData.BobName}&domain_id={defaultDomain}", new JsonObject
        {
            ["name"] = SeedData.BobName, ["domain_id"] = defaultDomain, ["password"] = SeedData.BobPassword,
            ["default_project_id"] = betaId, ["enabled"] = true,
        });
        var carolId = await EnsureAsync(admin, "users", $"name={SeedData.CarolName}&domain_id={domainId}", new JsonObject
        {
            ["name"] = SeedData.CarolName, ["domain_id"] = domainId, ["password"] = SeedData.CarolPassword, ["enabled"] = true,
        });

        var memberId = await FindIdAsync(admin, "roles", "name=member")
            ?? throw new InvalidOperationException("bootstrap made no 'member' role");
        await GrantAsync(admin, $"projects/{alphaId}/users/{aliceId}/roles/{memberId}");
        await GrantAsync(admin, $"projects/{betaId}/users/{bobId}/roles/{memberId}");
        await GrantAsync(admin, $"projects/{gammaId}/users/{carolId}/roles/{memberId}");
        await GrantAsync(admin, $"domains/{domainId}/users/{aliceId}/roles/{memberId}");

        var adminId = await FindIdAsync(admin, "users", $"name=admin&domain_id={defaultDomain}")
            ?? throw new InvalidOperationException("no admin user");
        return new SeedData(domainId, alphaId, betaId, gammaId, aliceId, bobId, carolId, adminId);
    }

    private async Task<string> EnsureAsync(string token, string collection, string query, JsonObject body)
    {
        if (await FindIdAsync(token, collection, query) is { } existing)
        {
            return existing;
        }

        var member = collection[..^1];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{authUrl}/{collection}")
        {
            Content = Json(new JsonObject { [member] = body }),
        };
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, $"POST /{collection}");
        var created = await response.Content.ReadFromJsonAsync<JsonObject>();
        return created![member]!["id"]!.GetValue<string>();
    }

    private async Task<string?> FindIdAsync(string token, string collection, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{authUrl}/{collection}?{query}");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, $"GET /{collection}?{query}");
        var list = await response.Content.ReadFromJsonAsync<JsonObject>();
        return list![collection]!.AsArray().SingleOrDefault()?["id"]?.GetValue<string>();
    }

    private async Task GrantAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{authUrl}/{path}");
        request.Headers.Add("X-Auth-Token", token);
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, $"PUT /{path}");
    }

    // Buffered with a Content-Length: uwsgi's http-socket does not read
    // chunked request bodies (JsonContent streams chunked), Keystone then sees none.
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Keystone admin API: {what} answered {(int)response.StatusCode}: {body}");
        }
    }
}

/// <summary>What the fixture made through the admin API (ids are the server's).</summary>
internal sealed record SeedData(
    string DomainId, string AlphaId, string BetaId, string GammaId,
    string AliceId, string BobId, string CarolId, string AdminId)
{
    public const string DomainName = "ksit-domain";
    public const string AlphaName = "ksit-alpha";
    public const string BetaName = "ksit-beta";
    public const string GammaName = "ksit-gamma";
    public const string AliceName = "ksit-alice";
    public const string BobName = "ksit-bob";
    public const string CarolName = "ksit-carol";
    public const string AlicePassword = "alice-Integration-9f3b";
    public const string BobPassword = "bob-Integration-27c1";
    public const string CarolPassword = "carol-Integration-5d80";
}
