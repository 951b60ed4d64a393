using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Scenarios 3 and 6: a cached token that the server stops accepting (all
/// fernet keys replaced; the token revoked) is replaced transparently: one
/// 401, one token POST, one resend with the new token, 200 to the caller.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class TokenRecoveryTests(KeystoneFixture fx)
{
    [Theory]
    [InlineData("rotate")]
    [InlineData("wipe")]
    public async Task Replacing_all_fernet_keys_is_recovered_with_one_401_one_POST_one_resend(string mode)
    {
        using var rig = new Rig(fx.Alice());
        var cached = await rig.WarmUpAsync();

        await fx.Server.InvalidateAllKeysAsync(mode);
        await AssertRecoveredAsync(rig, cached);

        // and the new token stays cached: the next calls make no POST
        var after = rig.Counter.Take();
        for (var i = 0; i < 5; i++)
        {
            using var again = await rig.CallAsync();
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(after.TokenPosts, rig.Counter.TokenPosts);
        Assert.Equal(after.Unauthorized, rig.Counter.Unauthorized);
    }

    [Fact]
    public async Task Revoked_token_is_recovered_with_one_401_one_POST_one_resend()
    {
        using var rig = new Rig(fx.Bob());
        var cached = await rig.WarmUpAsync();

        // DELETE /v3/auth/tokens with an admin token obtained separately
        await fx.Admin.RevokeAsync(cached.Token);
        var fresh = await AssertRecoveredAsync(rig, cached);
        Assert.Equal(fx.Seed.BetaId, fresh.Project!.Id);
    }

    [Fact]
    public async Task With_retry_switched_off_the_401_reaches_the_caller_and_no_POST_is_made()
    {
        using var rig = new Rig(fx.Alice(), sessionOptions: new KeystoneSessionOptions { RetryOnTokenRejected = false, RaiseOnError = false });
        await fx.Admin.RevokeAsync((await rig.WarmUpAsync()).Token);
        var before = rig.Counter.Take();
        using var response = await rig.CallAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(["GET 401"], rig.Counter.EventsSince(before).Select(e => e.Short));
    }

    /// <summary>
    /// The server rejects <paramref name="cached"/> now; the next call still gets 200,
    /// through exactly one recovery on the wire. Returns the new cached token.
    /// </summary>
    private async Task<AccessInfo> AssertRecoveredAsync(Rig rig, AccessInfo cached)
    {
        Assert.Equal(HttpStatusCode.NotFound, await fx.Admin.ValidateAsync(cached.Token));

        var before = rig.Counter.Take();
        using (var response = await rig.CallAsync())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        AssertOneRecovery(rig.Counter.EventsSince(before));
        var fresh = await rig.Session.GetAccessAsync();
        Assert.NotEqual(cached.Token, fresh.Token);
        return fresh;
    }

    /// <summary>Exactly: GET with the old token -> 401, POST -> 201, GET with a new token -> 200.</summary>
    private static void AssertOneRecovery(IReadOnlyList<HttpEvent> events)
    {
        Assert.True(events.Count == 3, "expected GET 401, POST 201, GET 200 but saw: " + string.Join("; ", events));
        Assert.Equal(["GET 401", "POST 201", "GET 200"], events.Select(e => e.Short));
        Assert.NotNull(events[0].TokenHash);
        Assert.Null(events[1].TokenHash); // the token request carries no X-Auth-Token
        Assert.NotEqual(events[0].TokenHash, events[2].TokenHash);
        Assert.Equal(events[0].Path, events[2].Path);
    }
}
