using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>
/// A clouds.yaml written by the test selects every method by <c>auth_type</c>
/// (or <c>OS_AUTH_TYPE</c>); the method's token request is checked at the wire.
/// </summary>
public sealed class AuthTypeMappingTests : IDisposable
{
    private const string Secret = "appcred-Secret-Do-Not-Leak";
    private const string Token = "gAAAAA-existing-token-Do-Not-Leak";

    private const string Yaml = $"""
        clouds:
          pw:
            auth:
              auth_url: https://keystone:5000/v3
              username: dcmanager
              password: pw-Do-Not-Leak
              project_name: services
              domain_name: Default
          appcred:
            auth_type: v3applicationcredential
            auth:
              auth_url: https://keystone:5000/v3
              application_credential_name: sync
              application_credential_secret: {Secret}
              username: dcmanager
              user_domain_name: Default
          rescope:
            auth_type: v3token
            auth:
              auth_url: https://keystone:5000/v3
              token: {Token}
              project_id: p-2
          forwarded:
            auth_type: admin_token
            auth:
              token: {Token}
              endpoint: http://10.10.10.3:6385/v1
          odd:
            auth_type: v3kerberos
            auth:
              auth_url: https://keystone:5000/v3
        """;

    private readonly TempClouds _files = new();

    public AuthTypeMappingTests() => _files.Write(_files.Current, "clouds.yaml", Yaml);

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Every_auth_type_maps_to_its_options()
    {
        var password = Assert.IsType<PasswordAuthOptions>(_files.Load("pw").ToAuthPluginOptions());
        Assert.Equal(("dcmanager", "Default", "services", "Default", null), (password.Username, password.UserDomainName, password.ProjectName, password.ProjectDomainName, password.DomainName));

        var appcred = Assert.IsType<ApplicationCredentialAuthOptions>(_files.Load("appcred").ToAuthPluginOptions());
        Assert.Equal(("sync", Secret, "dcmanager", "Default"), (appcred.ApplicationCredentialName, appcred.ApplicationCredentialSecret, appcred.Username, appcred.UserDomainName));

        var token = Assert.IsType<TokenAuthOptions>(_files.Load("rescope").ToAuthPluginOptions());
        Assert.Equal((Token, "p-2", "https://keystone:5000/v3"), (token.Token, token.ProjectId, token.AuthUrl));

        var fixedToken = Assert.IsType<FixedTokenAuthOptions>(_files.Load("forwarded").ToAuthPluginOptions());
        Assert.Equal((Token, "http://10.10.10.3:6385/v1"), (fixedToken.Token, fixedToken.Endpoint));
    }

    [Fact]
    public void OS_AUTH_TYPE_and_the_method_variables_override_the_file()
    {
        _files.Environment["OS_AUTH_TYPE"] = "token_endpoint";
        _files.Environment["OS_TOKEN"] = "from-env";
        _files.Environment["OS_ENDPOINT"] = "http://10.10.10.4:6385/v1";

        var options = Assert.IsType<FixedTokenAuthOptions>(_files.Load("pw").ToAuthPluginOptions());

        Assert.Equal(("from-env", "http://10.10.10.4:6385/v1"), (options.Token, options.Endpoint));
    }

    [Fact]
    public void An_unknown_auth_type_names_the_file_and_cloud_and_lists_the_known_types()
    {
        var cloud = _files.Load("odd");

        var ex = Assert.Throws<InvalidOptionsException>(cloud.ToAuthPluginOptions);
        var registering = Assert.Throws<InvalidOptionsException>(() => new ServiceCollection().AddKeystoneAuthFromCloudsYaml("odd", options: _files.Options));

        foreach (var e in new[] { ex, registering })
        {
            Assert.Contains($"{cloud.FilePath}: cloud 'odd' has auth_type 'v3kerberos', which is not a known auth type; known: ", e.Message, StringComparison.Ordinal);
            Assert.All(AuthPluginOptions.KnownAuthTypes, name => Assert.Contains(name, e.Message, StringComparison.Ordinal));
        }

        Assert.Contains("v3applicationcredential", AuthPluginOptions.KnownAuthTypes);
    }

    [Fact]
    public void ToPasswordAuthOptions_still_refuses_another_method()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => _files.Load("appcred").ToPasswordAuthOptions());
        Assert.Contains("has auth_type 'v3applicationcredential', not password or v3password", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pw", "password")]
    [InlineData("appcred", "application_credential")]
    [InlineData("rescope", "token")]
    [InlineData("forwarded", null)]
    public async Task AddKeystoneAuthFromCloudsYaml_registers_the_cloud_with_its_method(string cloudName, string? method)
    {
        var wire = new Wire();
        var services = new ServiceCollection();
        services.AddKeystoneAuthFromCloudsYaml(cloudName, "subcloud1", _files.Options).AddTokenCaching();
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).ConfigurePrimaryHttpMessageHandler(() => wire);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var session = provider.GetRequiredService<IKeystoneAuthFactory>().CreateSession("subcloud1");
        using (await session.GetAsync("/ihosts", new EndpointFilter("platform", EndpointInterface.Public)))
        {
        }

        using (await session.GetAsync("/ihosts", new EndpointFilter("platform", EndpointInterface.Public)))
        {
        }

        if (method is null)
        {
            Assert.Empty(wire.TokenBodies);
            Assert.Equal([("http://10.10.10.3:6385/v1/ihosts", Token), ("http://10.10.10.3:6385/v1/ihosts", Token)], wire.Calls);
            return;
        }

        var body = Assert.Single(wire.TokenBodies);
        var identity = body.GetProperty("auth").GetProperty("identity");
        Assert.Equal([method], identity.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.True(identity.TryGetProperty(method, out _));
        Assert.Equal(method != "application_credential", body.GetProperty("auth").TryGetProperty("scope", out _));
        Assert.Equal([("http://10.0.0.9/v1/ihosts", "tok-1"), ("http://10.0.0.9/v1/ihosts", "tok-1")], wire.Calls);
    }

    /// <summary>A fake Keystone and service: keeps token POST bodies and the token of every other call.</summary>
    private sealed class Wire : HttpMessageHandler
    {
        public ConcurrentQueue<JsonElement> TokenBodies { get; } = new();

        public ConcurrentQueue<(string Url, string? Token)> Calls { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
            {
                TokenBodies.Enqueue(JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.Clone());
                var created = new HttpResponseMessage(HttpStatusCode.Created)
                {
                    Content = new StringContent(
                        """
                        {"token":{"methods":["password"],"expires_at":"2099-01-01T00:00:00Z","issued_at":"2025-01-01T00:00:00Z",
                         "catalog":[{"type":"platform","endpoints":[{"interface":"public","region_id":"RegionOne","url":"http://10.0.0.9/v1"}]}]}}
                        """,
                        Encoding.UTF8,
                        "application/json"),
                };
                created.Headers.Add("X-Subject-Token", "tok-" + TokenBodies.Count);
                return created;
            }

            Calls.Enqueue((request.RequestUri!.AbsoluteUri, request.Headers.TryGetValues("X-Auth-Token", out var v) ? v.Single() : null));
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
