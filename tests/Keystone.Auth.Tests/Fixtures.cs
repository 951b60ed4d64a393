using System.Net;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>Token responses written for these tests (shaped like Keystone's).</summary>
internal static class Fixtures
{
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

    public static HttpResponseMessage TokenResponse(string token, string body = ProjectScopedBody)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", token);
        return response;
    }
}
