using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// A fake Keystone + service that keeps the body of every token POST it gets
/// (so a test sees which method was sent, at the wire) and the token of every
/// other request.
/// </summary>
internal sealed class RecordingCloud : HttpMessageHandler
{
    public ConcurrentQueue<JsonElement> TokenBodies { get; } = new();

    public ConcurrentQueue<(string Url, string? Token)> Calls { get; } = new();

    public int TokenPosts => TokenBodies.Count;

    /// <summary>The <c>auth.identity</c> object of the only token POST.</summary>
    public JsonElement Identity => TokenBodies.Single().GetProperty("auth").GetProperty("identity");

    /// <summary>The <c>auth</c> object of the only token POST.</summary>
    public JsonElement Auth => TokenBodies.Single().GetProperty("auth");

    public string[] Methods => [.. Identity.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        if (CountingHandler.IsTokenPost(request))
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            TokenBodies.Enqueue(JsonDocument.Parse(body).RootElement.Clone());
            response = Fixtures.TokenResponse("tok-" + TokenBodies.Count);
        }
        else
        {
            Calls.Enqueue((request.RequestUri!.AbsoluteUri, request.Headers.TryGetValues("X-Auth-Token", out var v) ? v.Single() : null));
            response = new HttpResponseMessage(HttpStatusCode.OK);
        }

        response.RequestMessage = request;
        return response;
    }
}

/// <summary>One set of settings per method, as environment, configuration keys and expectations.</summary>
internal static class MethodSettings
{
    public const string AuthUrl = "https://10.10.10.2:5001/v3";
    public const string Secret = "appcred-Secret-Do-Not-Leak";
    public const string Token = "gAAAAA-existing-token-Do-Not-Leak";

    /// <summary>OS_* variables selecting each auth type, keyed by the type name used.</summary>
    public static Dictionary<string, string> Environment(string authType) => authType switch
    {
        "" or "password" or "v3password" => new()
        {
            ["OS_AUTH_URL"] = AuthUrl, ["OS_USERNAME"] = "dcmanager", ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PASSWORD"] = Fixtures.Password, ["OS_PROJECT_NAME"] = "services", ["OS_PROJECT_DOMAIN_NAME"] = "Default",
        },
        "v3applicationcredential" or "applicationcredential" => new()
        {
            ["OS_AUTH_URL"] = AuthUrl, ["OS_APPLICATION_CREDENTIAL_ID"] = "ac-1", ["OS_APPLICATION_CREDENTIAL_SECRET"] = Secret,
        },
        "v3token" or "token" => new()
        {
            ["OS_AUTH_URL"] = AuthUrl, ["OS_TOKEN"] = Token, ["OS_PROJECT_ID"] = "p-2",
        },
        _ => new()
        {
            ["OS_TOKEN"] = Token, ["OS_ENDPOINT"] = "http://10.10.10.3:6385/v1",
        },
    };

    /// <summary>The same settings as configuration keys under <paramref name="prefix"/>, with AuthType.</summary>
    public static Dictionary<string, string?> Section(string authType, string prefix = "Keystone")
    {
        var values = new Dictionary<string, string?> { [prefix + ":AuthType"] = authType };
        foreach (var (variable, value) in Environment(authType))
        {
            values[prefix + ":" + ConfigurationKey(variable)] = value;
        }

        return values;
    }

    /// <summary>The plugin type each auth type makes.</summary>
    public static Type PluginType(string authType) => authType switch
    {
        "" or "password" or "v3password" => typeof(PasswordAuth),
        "v3applicationcredential" or "applicationcredential" => typeof(ApplicationCredentialAuth),
        "v3token" or "token" => typeof(TokenAuth),
        _ => typeof(FixedTokenAuth),
    };

    /// <summary>Checks the token POST the method sent (none for a fixed token).</summary>
    public static void AssertSent(string authType, RecordingCloud cloud)
    {
        switch (PluginType(authType).Name)
        {
            case nameof(PasswordAuth):
                Assert.Equal(["password"], cloud.Methods);
                var user = cloud.Identity.GetProperty("password").GetProperty("user");
                Assert.Equal("dcmanager", user.GetProperty("name").GetString());
                Assert.Equal(Fixtures.Password, user.GetProperty("password").GetString());
                Assert.Equal("services", cloud.Auth.GetProperty("scope").GetProperty("project").GetProperty("name").GetString());
                break;
            case nameof(ApplicationCredentialAuth):
                Assert.Equal(["application_credential"], cloud.Methods);
                var credential = cloud.Identity.GetProperty("application_credential");
                Assert.Equal("ac-1", credential.GetProperty("id").GetString());
                Assert.Equal(Secret, credential.GetProperty("secret").GetString());
                Assert.False(cloud.Auth.TryGetProperty("scope", out _));
                break;
            case nameof(TokenAuth):
                Assert.Equal(["token"], cloud.Methods);
                Assert.Equal(Token, cloud.Identity.GetProperty("token").GetProperty("id").GetString());
                Assert.Equal("p-2", cloud.Auth.GetProperty("scope").GetProperty("project").GetProperty("id").GetString());
                break;
            default:
                Assert.Equal(0, cloud.TokenPosts);
                break;
        }
    }

    /// <summary>Written out here rather than taken from the library, so the tests pin the naming rule.</summary>
    private static string ConfigurationKey(string variable) => variable switch
    {
        "OS_AUTH_URL" => "AuthUrl",
        "OS_USERNAME" => "Username",
        "OS_USER_DOMAIN_NAME" => "UserDomainName",
        "OS_PASSWORD" => "Password",
        "OS_PROJECT_NAME" => "ProjectName",
        "OS_PROJECT_DOMAIN_NAME" => "ProjectDomainName",
        "OS_PROJECT_ID" => "ProjectId",
        "OS_APPLICATION_CREDENTIAL_ID" => "ApplicationCredentialId",
        "OS_APPLICATION_CREDENTIAL_SECRET" => "ApplicationCredentialSecret",
        "OS_TOKEN" => "Token",
        "OS_ENDPOINT" => "Endpoint",
        _ => throw new ArgumentOutOfRangeException(nameof(variable), variable, null),
    };
}
