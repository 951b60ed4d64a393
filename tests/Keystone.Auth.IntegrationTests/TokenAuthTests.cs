using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// TokenAuth against a real Keystone: a token issued outside the library
/// (plain HTTP) is rescoped; once that token is dead, every call is a typed
/// error after a bounded number of token POSTs, counted on the wire and in the
/// server's access log.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class TokenAuthTests(KeystoneFixture fx)
{
    private const string TokenPostLine = "POST /v3/auth/tokens";

    private readonly MethodsAdminApi _api = new(fx.AuthUrl);

    [Fact]
    public async Task An_unscoped_token_is_rescoped_to_a_project()
    {
        // Carol has no default project, so only the scope asked for can put
        // gamma in the new token (Alice's would come from her default project).
        var source = await _api.IssueAsync(SeedData.CarolName, fx.Seed.DomainId, SeedData.CarolPassword, MethodsAdminApi.Unscoped);
        using var rig = TokenRig(new TokenAuthOptions
        {
            AuthUrl = fx.AuthUrl, Token = source.Token, ProjectName = SeedData.GammaName, ProjectDomainId = fx.Seed.DomainId,
        });

        var access = await CallTwiceAsync(rig, source);

        Assert.Equal(fx.Seed.CarolId, access.User!.Id);
        Assert.Equal(fx.Seed.GammaId, access.Project!.Id);
        Assert.Contains(access.Roles, r => r.Name == "member");
        Assert.False(access.Catalog.IsEmpty);
    }

    [Fact]
    public async Task A_project_token_is_rescoped_to_a_domain()
    {
        var source = await _api.IssueAsync(SeedData.AliceName, "default", SeedData.AlicePassword, MethodsAdminApi.ProjectScope(fx.Seed.AlphaId));
        using var rig = TokenRig(new TokenAuthOptions { AuthUrl = fx.AuthUrl, Token = source.Token, DomainId = fx.Seed.DomainId });

        var access = await CallTwiceAsync(rig, source);

        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.Null(access.Project);
        Assert.Equal(fx.Seed.DomainId, access.Domain!.Id);
        Assert.Contains(access.Roles, r => r.Name == "member");
    }

    [Fact]
    public async Task A_revoked_source_token_is_one_refused_POST_per_call_and_nothing_is_cached()
    {
        var source = await _api.IssueAsync(SeedData.AliceName, "default", SeedData.AlicePassword, MethodsAdminApi.Unscoped);
        await fx.Admin.RevokeAsync(source.Token);
        using var rig = TokenRig(new TokenAuthOptions { AuthUrl = fx.AuthUrl, Token = source.Token, ProjectId = fx.Seed.AlphaId });
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);

        for (var i = 0; i < 3; i++)
        {
            var before = rig.Counter.Take();
            var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
            Assert.Equal(["POST 404"], rig.WireSince(before));
            Assert.DoesNotContain(source.Token, ex.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(postsInLog + 3, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLog + 3));
    }

    [Fact]
    public async Task After_every_key_is_replaced_a_cached_rescoped_token_ends_in_a_typed_error_without_a_loop()
    {
        var source = await _api.IssueAsync(SeedData.AliceName, "default", SeedData.AlicePassword, MethodsAdminApi.Unscoped);
        using var rig = TokenRig(new TokenAuthOptions { AuthUrl = fx.AuthUrl, Token = source.Token, ProjectId = fx.Seed.AlphaId });
        using (var warm = await rig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Both the cached rescoped token and the source it came from die.
        await fx.Server.InvalidateAllKeysAsync();
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);

        // One call: its token is rejected, dropped, and the one POST that
        // could replace it is refused with the dead source token. No resend.
        var before = rig.Counter.Take();
        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
        Assert.Equal(["GET 401", "POST 404"], rig.WireSince(before));
        Assert.DoesNotContain(source.Token, ex.ToString(), StringComparison.Ordinal);

        // Later calls: one refused POST each, never a GET without a token.
        var later = rig.Counter.Take();
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => rig.CallAsync());
        Assert.Equal(["POST 404"], rig.WireSince(later));
        Assert.Equal(postsInLog + 2, await fx.Server.CountLogLinesAsync(TokenPostLine, postsInLog + 2));
    }

    private PluginRig TokenRig(TokenAuthOptions options) => new(http => new TokenAuth(options, http));

    /// <summary>
    /// Two calls: one token POST, then the cached token. The new token is not
    /// the source, and it carries the source's audit id as its chain's origin,
    /// which is how Keystone marks a token made from another.
    /// </summary>
    private static async Task<AccessInfo> CallTwiceAsync(PluginRig rig, IssuedToken source)
    {
        for (var i = 0; i < 2; i++)
        {
            using var response = await rig.CallAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["POST 201", "GET 200", "GET 200"], rig.WireSince(default));
        var access = await rig.Session.GetAccessAsync();
        Assert.Contains("token", access.Methods);
        Assert.Equal(2, access.AuditIds.Count);
        Assert.Equal(source.AuditId, access.AuditIds[1]);
        Assert.NotEqual(source.Token, access.Token);
        var gets = rig.Counter.Events.Where(e => e.Method == "GET").Select(e => e.TokenHash).Distinct();
        Assert.Equal([Hash(access.Token)], gets);
        return access;
    }

    // Same short hash as CountingHandler's.
    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];
}
