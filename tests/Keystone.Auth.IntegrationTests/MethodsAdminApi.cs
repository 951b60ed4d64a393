using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Plain-HTTP calls (no Keystone.Auth code) that the tests of the non-password
/// methods need: a user's own token with its audit id, and creating and
/// deleting application credentials (of users in the Default domain). Every call signs in afresh,
/// because the tests replace the fernet keys and would kill a kept token.
/// </summary>
internal sealed class MethodsAdminApi(string authUrl)
{
    // One client for every test class: these calls are few and short.
    private static readonly HttpClient s_http = new(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Keystone's way of asking for a token without any scope (not even the default project).</summary>
    public static JsonNode Unscoped => JsonValue.Create("unscoped");

    public static JsonNode ProjectScope(string projectId) => new JsonObject { ["project"] = new JsonObject { ["id"] = projectId } };

    /// <summary>POST /v3/auth/tokens with a user's password: the token and its own audit id.</summary>
    public async Task<IssuedToken> IssueAsync(string userName, string userDomainId, string password, JsonNode scope)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject { ["name"] = userName, ["domain"] = new JsonObject { ["id"] = userDomainId }, ["password"] = password },
                    },
                },
                ["scope"] = scope.DeepClone(),
            },
        };

        using var response = await s_http.PostAsync($"{authUrl}/auth/tokens?nocatalog", Json(body));
        await EnsureAsync(response, "POST /auth/tokens for " + userName);
        var token = await response.Content.ReadFromJsonAsync<JsonObject>();
        return new IssuedToken(
            response.Headers.GetValues("X-Subject-Token").Single(),
            token!["token"]!["audit_ids"]![0]!.GetValue<string>());
    }

    /// <summary>
    /// POST /v3/users/{id}/application_credentials as that user (Keystone lets
    /// only the owner create one), with a token scoped to <paramref name="projectId"/>:
    /// the credential's project. Keystone generates the secret.
    /// </summary>
    public async Task<AppCredential> CreateApplicationCredentialAsync(string userId, string userName, string password, string projectId)
    {
        var userToken = (await IssueAsync(userName, "default", password, ProjectScope(projectId))).Token;
        var name = "ksit-appcred-" + Guid.NewGuid().ToString("N")[..12];
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{authUrl}/users/{userId}/application_credentials")
        {
            Content = Json(new JsonObject { ["application_credential"] = new JsonObject { ["name"] = name } }),
        };
        request.Headers.Add("X-Auth-Token", userToken);
        using var response = await s_http.SendAsync(request);
        await EnsureAsync(response, "POST application_credentials");
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!["application_credential"]!;
        return new AppCredential(
            created["id"]!.GetValue<string>(),
            created["name"]!.GetValue<string>(),
            created["secret"]!.GetValue<string>(),
            created["project_id"]!.GetValue<string>());
    }

    /// <summary>DELETE /v3/users/{id}/application_credentials/{credential} as that user; a credential already gone is fine.</summary>
    public async Task DeleteApplicationCredentialAsync(string userId, string userName, string password, AppCredential credential)
    {
        var userToken = (await IssueAsync(userName, "default", password, ProjectScope(credential.ProjectId))).Token;
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{authUrl}/users/{userId}/application_credentials/{credential.Id}");
        request.Headers.Add("X-Auth-Token", userToken);
        using var response = await s_http.SendAsync(request);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            await EnsureAsync(response, "DELETE application_credentials");
        }
    }

    // Buffered with a Content-Length: uwsgi's http-socket does not read chunked request bodies.
    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Keystone API: {what} answered {(int)response.StatusCode}: {body}");
        }
    }
}

/// <summary>A token issued outside the library, and the audit id that tokens made from it carry as their chain's origin.</summary>
internal sealed record IssuedToken(string Token, string AuditId);

/// <summary>An application credential as Keystone created it. The secret is shown once, here.</summary>
internal sealed record AppCredential(string Id, string Name, string Secret, string ProjectId)
{
    // Records print every member: keep the secret out of assertion messages.
    public override string ToString() => $"AppCredential {{ Id = {Id}, Name = {Name}, ProjectId = {ProjectId} }}";
}
