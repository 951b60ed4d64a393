using System.Net;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// FixedTokenAuth as a service forwarding its caller's token uses it: against
/// Keystone's own API (GET /v3/projects) at the endpoint given, without any
/// token request; once the token is dead the 401 reaches the caller as a typed
/// error, still without a token request.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class FixedTokenTests(KeystoneFixture fx)
{
    private const string TokenPostLine = "POST /v3/auth/tokens";

    [Fact]
    public async Task A_forwarded_token_calls_the_service_and_after_key_replacement_its_401_is_typed_with_no_POST()
    {
        // The caller's token, obtained outside the library.
        var callerToken = await fx.Admin.AdminTokenAsync();
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);
        var forwarded = new FixedTokenAuth(new FixedTokenAuthOptions { Token = callerToken, Endpoint = fx.AuthUrl });
        using var rig = new PluginRig(_ => forwarded, new KeystoneSessionOptions { EndpointOverride = forwarded.Endpoint });
        Assert.Same(forwarded, rig.Auth); // never cached

        using (var response = await rig.Session.GetAsync("/projects"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var ids = body["projects"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
            Assert.Contains(fx.Seed.AlphaId, ids);
            Assert.Contains(fx.Seed.GammaId, ids);
        }

        var get = Assert.Single(rig.Counter.Events);
        Assert.Equal("GET 200", get.Short);
        Assert.Equal("/v3/projects", get.Path);

        await fx.Server.InvalidateAllKeysAsync();
        var before = rig.Counter.Take();
        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.Session.GetAsync("/projects"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.IsNotType<AuthenticationFailedException>(ex); // the service refused the call; no sign-in was tried
        Assert.DoesNotContain(callerToken, ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(["GET 401"], rig.WireSince(before));
        Assert.Equal(0, rig.Counter.TokenPosts);
        Assert.Equal(postsInLog, fx.Server.CountLogLines(TokenPostLine));
    }
}
