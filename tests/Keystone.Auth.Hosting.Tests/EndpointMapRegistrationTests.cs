using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// <c>AddEndpointMap()</c>: one map per container, loaded once for every client,
/// and the resolver of the identity's handler (requests counted at the transport).
/// </summary>
public sealed class EndpointMapRegistrationTests
{
    private const string Endpoints = """
    {"endpoints":[
      {"id":"e1","service_id":"svc-p","interface":"admin","region_id":"subcloud9","url":"https://10.40.0.9:6386/v1","enabled":true},
      {"id":"e2","service_id":"svc-p","interface":"internal","region_id":"RegionOne","url":"https://10.10.10.2:6386/v1","enabled":true}]}
    """;

    [Fact]
    public async Task The_map_is_one_singleton_and_the_handlers_resolver()
    {
        var transport = new CountingHandler(r =>
        {
            if (CountingHandler.IsTokenPost(r))
            {
                return Fixtures.TokenResponse("tok-1");
            }

            var body = r.RequestUri!.AbsolutePath switch
            {
                "/v3/regions" => """{"regions":[{"id":"RegionOne"},{"id":"subcloud9"}]}""",
                "/v3/services" => """{"services":[{"id":"svc-p","type":"platform","name":"sysinv","enabled":true}]}""",
                "/v3/endpoints" => Endpoints,
                _ => "{}",
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        });
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(new ConfigurationBuilder().AddInMemoryCollection(Fixtures.KeystoneSection()).Build().GetSection("Keystone"))
                .AddTokenCaching()
                .AddEndpointMap();
            services.AddHttpClient("sysinv").AddKeystoneAuthHandler();
        });

        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("sysinv");
        var subcloud = new HttpRequestMessage(HttpMethod.Get, "ihosts");
        subcloud.Options.Set(KeystoneRequestOptions.EndpointFilter, new EndpointFilter("platform", EndpointInterface.Admin, "subcloud9"));
        using (var response = await http.SendAsync(subcloud))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var map = provider.GetRequiredService<EndpointMap>();
        Assert.Same(map, provider.GetRequiredService<EndpointMap>());
        Assert.Equal("https://10.10.10.2:6386/v1", await map.GetEndpointAsync("RegionOne", "platform"));

        var urls = transport.Requests.Select(r => r.Url).ToArray();
        Assert.Contains("https://10.40.0.9:6386/v1/ihosts", urls);
        Assert.Single(urls, u => u.EndsWith("/v3/endpoints", StringComparison.Ordinal));
        Assert.Equal(1, transport.TokenPosts);
    }
}
