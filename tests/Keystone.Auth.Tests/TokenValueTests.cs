using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Tests;

/// <summary>
/// A token is sent verbatim as the X-Auth-Token header, so only a valid header
/// value is accepted, wherever the token comes from: a Keystone answer, a
/// body parsed by the caller, or an AccessInfo a custom plugin builds.
/// </summary>
public sealed class TokenValueTests
{
    public static TheoryData<string> Unusable => new()
    {
        "Zq9\r\nX-Injected: yes",
        "Zq9\nX-Injected: yes",
        "Zq9\r",
        "Zq9\0",
        "Zq9ö",
        "Zq9\u2028",
        "Zq9 en",
        "Zq9\t",
        "\u007F",
        "",
        " ",
        "\r\n",
        "Zq9" + new string('a', 8190),
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void FromTokenResponse_refuses_a_token_that_is_not_a_header_value(string token)
    {
        var ex = Assert.Throws<InvalidResponseException>(() => AccessInfo.FromTokenResponse(token, Fixtures.ProjectScopedBody));
        Assert.Contains("X-Auth-Token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Zq9", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public void An_AccessInfo_cannot_be_built_with_such_a_token(string token)
    {
        // What a custom IAuthPlugin would do: it must not be able to inject headers either.
        Assert.Throws<InvalidResponseException>(() => new AccessInfo { Token = token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) });
    }

    [Fact]
    public void Visible_ascii_up_to_8192_chars_is_a_token()
    {
        var longest = new string('x', 8192);
        Assert.Equal(longest, new AccessInfo { Token = longest, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) }.Token);

        var everyVisible = new string(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).ToArray());
        Assert.Equal(everyVisible, AccessInfo.FromTokenResponse(everyVisible, Fixtures.ProjectScopedBody).Token);
    }

    [Theory]
    [InlineData("tok-1\r\nX-Injected: yes")]
    [InlineData("tok-1\0")]
    [InlineData("tök-1")]
    public async Task A_keystone_answer_with_such_a_token_is_refused_and_nothing_is_cached(string badToken)
    {
        using var cloud = new FakeCloud { TokenValue = n => n == 1 ? badToken : $"tok-{n}" };
        using var http = new HttpClient(cloud, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), http), new TokenCache());
        using var session = new KeystoneSession(auth, http);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => session.GetAsync("/ihosts", Fixtures.Platform));
        Assert.Equal(Fixtures.TokenUrl, ex.RequestUri?.AbsoluteUri);
        Assert.Empty(cloud.ServiceCalls);

        // Nothing was cached: the next call asks Keystone again and sends only the good token.
        using var ok = await session.GetAsync("/ihosts", Fixtures.Platform);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, cloud.TokenPosts.Count);
        Assert.Equal(["tok-2"], cloud.ServiceTokens);
        Assert.All(cloud.ServiceCalls, r => Assert.Null(r.Header("X-Injected")));
    }
}
