using System.Net;
using Xunit.Abstractions;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// ApplicationCredentialAuth against a real Keystone: a credential Alice
/// creates for project alpha through the API signs in by id and by name + user,
/// a deleted one is refused and never cached, and replacing every fernet key
/// under load costs exactly one token POST. POSTs are counted at the bottom of
/// the HttpClient and in the server's access log.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class ApplicationCredentialTests(KeystoneFixture fx, ITestOutputHelper output) : IAsyncLifetime
{
    private const string TokenPostLine = "POST /v3/auth/tokens";

    private readonly MethodsAdminApi _api = new(fx.AuthUrl);
    private AppCredential _credential = null!;

    public async Task InitializeAsync() =>
        _credential = await _api.CreateApplicationCredentialAsync(fx.Seed.AliceId, SeedData.AliceName, SeedData.AlicePassword, fx.Seed.AlphaId);

    // Names are unique per user and the server directory outlives the run: clean up.
    public Task DisposeAsync() =>
        _api.DeleteApplicationCredentialAsync(fx.Seed.AliceId, SeedData.AliceName, SeedData.AlicePassword, _credential);

    [Theory]
    [InlineData("id")]
    [InlineData("name + user id")]
    [InlineData("name + user name + domain")]
    public async Task Signs_in_and_the_token_is_scoped_to_the_credentials_project(string by)
    {
        var options = new ApplicationCredentialAuthOptions { AuthUrl = fx.AuthUrl, ApplicationCredentialSecret = _credential.Secret };
        switch (by)
        {
            case "id":
                options.ApplicationCredentialId = _credential.Id;
                break;
            case "name + user id":
                options.ApplicationCredentialName = _credential.Name;
                options.UserId = fx.Seed.AliceId;
                break;
            default:
                options.ApplicationCredentialName = _credential.Name;
                options.Username = SeedData.AliceName;
                options.UserDomainName = "Default";
                break;
        }

        using var rig = new PluginRig(http => new ApplicationCredentialAuth(options, http));
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);

        for (var i = 0; i < 3; i++)
        {
            using var response = await rig.CallAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var access = await rig.Session.GetAccessAsync();
        Assert.Equal(["application_credential"], access.Methods);
        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.Equal(_credential.ProjectId, access.Project!.Id);
        Assert.Equal(fx.Seed.AlphaId, access.Project.Id);
        Assert.Contains(access.Roles, r => r.Name == "member");
        Assert.False(access.Catalog.IsEmpty);

        // one token POST, then the cached token for every call
        Assert.Equal(["POST 201", "GET 200", "GET 200", "GET 200"], rig.WireSince(default));
        Assert.Equal(postsInLog + 1, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLog + 1));
    }

    [Fact]
    public async Task Once_deleted_it_raises_AuthenticationFailed_and_nothing_is_cached()
    {
        var options = new ApplicationCredentialAuthOptions
        {
            AuthUrl = fx.AuthUrl, ApplicationCredentialId = _credential.Id, ApplicationCredentialSecret = _credential.Secret,
        };
        using var rig = new PluginRig(http => new ApplicationCredentialAuth(options, http));
        using (var warm = await rig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        await _api.DeleteApplicationCredentialAsync(fx.Seed.AliceId, SeedData.AliceName, SeedData.AlicePassword, _credential);

        // Whether a token already issued still validates after the delete is
        // up to each uwsgi worker's cache (the scripts' Keystone keeps one per
        // worker for 600 s). Replacing the keys kills it for sure, so the
        // cached token is rejected and the credential is asked for again.
        await fx.Server.InvalidateAllKeysAsync();
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);

        // One call: the cached token is rejected, dropped, and the one new POST refused.
        var before = rig.Counter.Take();
        var first = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
        var events = rig.Counter.EventsSince(before);
        Assert.Equal("GET 401", events[0].Short);
        AssertOneRefusedPost(events.Skip(1));

        // Nothing was cached: every later call asks Keystone again, once.
        for (var i = 0; i < 2; i++)
        {
            var again = rig.Counter.Take();
            var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
            AssertOneRefusedPost(rig.Counter.EventsSince(again));
            Assert.DoesNotContain(_credential.Secret, ex.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_credential.Secret, first.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_credential.Secret, rig.Auth.ToString(), StringComparison.Ordinal);
        Assert.Equal(postsInLog + 3, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLog + 3));

        // A new client with the deleted credential never gets a token either.
        using var fresh = new PluginRig(http => new ApplicationCredentialAuth(options, http));
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => fresh.CallAsync());
        AssertOneRefusedPost(fresh.Counter.Events);
    }

    /// <summary>
    /// Many callers on one credential while every key is replaced: the late
    /// 401s for the old token are held until the new token is cached (the
    /// gate), so a cache that dropped the new token for them would POST again.
    /// </summary>
    [Fact]
    public async Task Every_fernet_key_replaced_under_load_costs_exactly_one_POST_and_no_failed_call()
    {
        const int callers = 32;
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);
        LateRejectionGate? gate = null;
        using var rig = new PluginRig(
            http => new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
            {
                AuthUrl = fx.AuthUrl, ApplicationCredentialId = _credential.Id, ApplicationCredentialSecret = _credential.Secret,
            }, http),
            above: counter => gate = new LateRejectionGate(counter));
        using (var warm = await rig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var oldToken = (await rig.Session.GetAccessAsync()).Token;
        var before = rig.Counter.Take();

        var load = await RotationLoad.RunAsync(fx.Server, rig.CallAsync, callers, rotateAfterCalls: 32, callsAfterRotation: 64);

        var gets = rig.Counter.EventsSince(before).Where(e => e.Method == "GET").ToList();
        var rejected = gets.Where(e => e.Status == 401).ToList();
        output.WriteLine($"{callers} callers, {load.Completed} calls ({load.Completed - load.RotatedAt} after the keys were replaced), "
            + $"{load.Failures.Count} failed; on the wire: {rig.Counter.TokenPosts} token POSTs, {gets.Count} GETs, {rejected.Count} x 401 ({gate!.Held} held until the new token was out)");
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} failed calls, e.g. {string.Join(" | ", load.Failures.Take(5))}");
        Assert.Equal(2, rig.Counter.TokenPosts);            // the first one, and exactly one more
        Assert.NotEmpty(rejected);                           // the replacement really hit callers
        Assert.True(gate!.Held > 0, "no 401 arrived after the new token was cached: the race was not exercised");
        Assert.Equal(load.Completed + rejected.Count, gets.Count); // each 401 resent once, never more
        Assert.All(rejected, e => Assert.Equal(rejected[0].TokenHash, e.TokenHash)); // only the old token
        Assert.Equal(2, gets.Select(e => e.TokenHash).Distinct().Count());
        var fresh = await rig.Session.GetAccessAsync();
        Assert.NotEqual(oldToken, fresh.Token);
        Assert.Equal(fx.Seed.AlphaId, fresh.Project!.Id);
        Assert.Equal(postsInLog + 2, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLog + 2));
    }

    /// <summary>
    /// Exactly one token POST, refused. Keystone says 401 or 404 for a deleted
    /// credential, depending on whether the worker that answers still has it
    /// in its cache; both are the credential refused.
    /// </summary>
    private static void AssertOneRefusedPost(IEnumerable<HttpEvent> events)
    {
        var post = Assert.Single(events);
        Assert.Equal("POST", post.Method);
        Assert.Contains(post.Status, new int?[] { 401, 404 });
    }
}
