using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.Tests;

/// <summary>Token responses written for these tests (shaped like Keystone's).</summary>
internal static class Fixtures
{
    public const string AuthUrl = "https://keystone.test:5001/v3";

    public const string TokenUrl = "https://keystone.test:5001/v3/auth/tokens";

    public const string Password = "s3cret-Pa55w0rd!";

    /// <summary>Keystone's real 401 body.</summary>
    public const string UnauthorizedBody = """{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}""";

    public const string ProjectScopedBody = """
    {"token":{
      "methods":["password"],
      "user":{"domain":{"id":"default","name":"Default"},"id":"u-1","name":"dcmanager","password_expires_at":null},
      "audit_ids":["aud-1"],
      "expires_at":"2099-01-01T00:00:00.000000Z",
      "issued_at":"2098-12-31T23:00:00.000000Z",
      "project":{"domain":{"id":"default","name":"Default"},"id":"p-1","name":"services"},
      "is_domain":false,
      "roles":[{"id":"r-1","name":"admin"},{"id":"r-2","name":"member"}],
      "catalog":[
        {"endpoints":[
           {"id":"e1","interface":"public","region_id":"RegionOne","url":"https://10.10.10.2:5001/v3","region":"RegionOne"},
           {"id":"e2","interface":"admin","region_id":"RegionOne","url":"https://10.10.10.2:5001/v3","region":"RegionOne"}],
         "id":"s-1","type":"identity","name":"keystone"},
        {"endpoints":[
           {"id":"e3","interface":"admin","region_id":"subcloud1","url":"http://192.168.204.2:6385/v1","region":"subcloud1"},
           {"id":"e4","interface":"internal","region_id":"subcloud1","url":"http://192.168.204.2:6385/v1i","region":"subcloud1"}],
         "id":"s-2","type":"platform","name":"sysinv"}
      ]}}
    """;

    /// <summary>The admin URL of the "platform" service in <see cref="ProjectScopedBody"/>.</summary>
    public const string PlatformAdminUrl = "http://192.168.204.2:6385/v1";

    public static readonly EndpointFilter Platform = new("platform", EndpointInterface.Admin);

    public static HttpResponseMessage TokenResponse(string token, string body = ProjectScopedBody)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", token);
        return response;
    }

    /// <summary>The usual distcloud identity: user and project by name in the Default domain.</summary>
    public static PasswordAuthOptions Options(string authUrl = AuthUrl, string password = Password) => new()
    {
        AuthUrl = authUrl,
        Username = "dcmanager",
        UserDomainName = "Default",
        Password = password,
        ProjectName = "services",
        ProjectDomainName = "Default",
    };

    /// <summary><see cref="ProjectScopedBody"/> (or <paramref name="body"/>) with its <c>token</c> object edited.</summary>
    public static string EditToken(Action<JsonObject> edit, string body = ProjectScopedBody)
    {
        var root = JsonNode.Parse(body)!.AsObject();
        edit(root["token"]!.AsObject());
        return root.ToJsonString();
    }

    /// <summary>A project-scoped body whose catalog has one service with the given endpoints.</summary>
    public static string BodyWithCatalog(string type, params (string Interface, string Url)[] endpoints) =>
        EditToken(t => t["catalog"] = new JsonArray(new JsonObject
        {
            ["type"] = type,
            ["name"] = type,
            ["id"] = "svc-" + type,
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["interface"] = e.Interface,
                ["region"] = "RegionOne",
                ["region_id"] = "RegionOne",
                ["url"] = e.Url,
            }).ToArray()),
        }));
}
