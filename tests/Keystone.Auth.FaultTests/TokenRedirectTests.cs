namespace Keystone.Auth.FaultTests;

/// <summary>
/// The token POST carries the password, so it follows no redirect (issue 10,
/// item 2). A second server on another port plays the foreign host: where the
/// library controls the handler it receives nothing at all; where the caller's
/// client followed on its own, its answer is refused. Nothing is cached either way.
/// </summary>
public sealed class TokenRedirectTests : FaultTestBase
{
    public static TheoryData<int> Redirects => new() { 300, 301, 302, 303, 307, 308 };

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task Every_3xx_is_refused_and_the_foreign_host_gets_nothing(int status)
    {
        await using var foreign = await FaultServer.StartAsync();
        Server.OnToken(Faults.Status(status, null, "application/json", ("Location", foreign.BaseUri + "v3/auth/tokens")));
        using var client = new Harness(Server, handler: new SocketsHttpHandler { AllowAutoRedirect = false });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains($"answered {status} (a redirect to {foreign.BaseUri.GetLeftPart(UriPartial.Authority)})", ex.Message, StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        Assert.Equal(1, Server.TokenPosts);
        await AssertNothingCachedAsync(client);
    }

    [Theory]
    [MemberData(nameof(Redirects))]
    public async Task A_callers_client_that_followed_a_redirect_elsewhere_is_refused(int status)
    {
        // new HttpClient() follows redirects: 307/308 resend the POST with the
        // password to the foreign host (the library cannot stop that below it),
        // 301/302/303 turn it into a GET. Either way its answer is not used.
        await using var foreign = await FaultServer.StartAsync();
        Server.OnToken(Faults.Status(status, null, "application/json", ("Location", foreign.BaseUri + "v3/auth/tokens")));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Contains($"redirected to {foreign.BaseUri.GetLeftPart(UriPartial.Authority)}", ex.Message, StringComparison.Ordinal);
        Assert.Single(foreign.Requests);
        Assert.Equal(status is 307 or 308 ? 1 : 0, foreign.TokenPosts);
        Assert.Equal(0, foreign.ServiceCalls);
        await AssertNothingCachedAsync(client);
        Assert.Empty(Server.SeenServiceTokens.Intersect(foreign.IssuedTokens));
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_followed_redirect_to_another_url_on_the_same_host_is_refused(int status)
    {
        Server.OnToken(Faults.Status(status, null, "application/json", ("Location", Server.BaseUri + "v3/auth/tokens?moved=1")));
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(2, Server.TokenPosts); // the redirected POST and the followed one
        Assert.Equal(0, Server.ServiceCalls);
        await AssertNothingCachedAsync(client);
    }

    [Fact]
    public async Task The_userinfo_of_a_redirect_target_is_never_in_the_message()
    {
        await using var foreign = await FaultServer.StartAsync();
        var target = new UriBuilder(foreign.BaseUri) { UserName = "admin", Password = "hunter2", Path = "/v3/auth/tokens" }.Uri;
        Server.OnToken(Faults.Status(307, null, "application/json", ("Location", target.AbsoluteUri)));
        using var client = new Harness(Server, handler: new SocketsHttpHandler { AllowAutoRedirect = false });

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.DoesNotContain("hunter2", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("admin", ex.Message, StringComparison.Ordinal);
        Assert.Empty(foreign.Requests);
        await AssertNothingCachedAsync(client);
    }
}
