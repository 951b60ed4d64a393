using Keystone.Auth.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// Keystone's 401 + <c>Openstack-Auth-Receipt</c>: a password plugin with a
/// TOTP source continues once with TOTP and the receipt; without one, or when
/// TOTP would not complete a rule, a typed error naming the missing method.
/// Token POSTs, headers and bodies are read at the HTTP layer.
/// </summary>
public sealed class AuthReceiptTests
{
    private const string TotpOnlyBody =
        """{"auth":{"identity":{"methods":["totp"],"totp":{"user":{"name":"dcmanager","domain":{"name":"Default"},"passcode":"287082"}}},"scope":{"project":{"name":"services","domain":{"name":"Default"}}}}}""";

    [Fact]
    public async Task Password_with_a_totp_secret_continues_with_totp_and_the_receipt()
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(), MfaFixtures.Token()) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(WithSecret(), http, timeProvider: new FakeTimeProvider(MfaFixtures.At59));

        var access = await auth.GetAccessAsync();

        Assert.Equal("tok-mfa", access.Token);
        var posts = cloud.TokenPosts;
        Assert.Equal(2, posts.Count);
        Assert.Null(posts[0].Header("Openstack-Auth-Receipt"));
        Assert.Contains("\"methods\":[\"password\"]", posts[0].BodyText, StringComparison.Ordinal);
        Assert.Equal(MfaFixtures.Receipt, posts[1].Header("Openstack-Auth-Receipt"));
        Assert.Equal(TotpOnlyBody, posts[1].BodyText);
    }

    [Fact]
    public async Task Password_with_a_provider_asks_it_only_when_a_receipt_asks_for_totp()
    {
        var asked = 0;
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(MfaFixtures.Token("tok-a"), () => MfaFixtures.ReceiptResponse(), MfaFixtures.Token("tok-b")) };
        using var http = new HttpClient(cloud);
        var options = Fixtures.Options();
        options.PasscodeProvider = _ => { asked++; return ValueTask.FromResult("287082"); };
        var auth = new PasswordAuth(options, http);

        await auth.GetAccessAsync(); // no MFA rule yet: one POST, no passcode
        Assert.Equal(0, asked);
        await auth.GetAccessAsync();

        Assert.Equal(1, asked);
        Assert.Equal(3, cloud.TokenPosts.Count);
        Assert.Equal(TotpOnlyBody, cloud.TokenPosts[2].BodyText);
    }

    [Fact]
    public async Task Password_without_a_totp_source_is_told_that_totp_is_required()
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse()) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => auth.GetAccessAsync().AsTask());

        Assert.IsAssignableFrom<AuthenticationFailedException>(ex);
        Assert.Equal(["password"], ex.CompletedMethods);
        Assert.Equal(["password", "totp"], Assert.Single(ex.RequiredMethods));
        Assert.Contains("still needed: totp", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MfaFixtures.Receipt, ex.ToString(), StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
    }

    [Fact]
    public async Task Totp_alone_for_a_password_and_totp_rule_names_password_and_sends_once()
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(body: MfaFixtures.ReceiptBody(completed: "\"totp\""))) };
        using var http = new HttpClient(cloud);
        var auth = new TotpAuth(new TotpAuthOptions { AuthUrl = Fixtures.AuthUrl, UserId = "u-1", TotpSecret = MfaFixtures.Secret }, http);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("still needed: password", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
    }

    [Fact]
    public async Task A_rule_that_totp_does_not_complete_is_not_continued()
    {
        var body = MfaFixtures.ReceiptBody(rules: """[["password","totp","application_credential"]]""");
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(body: body)) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(WithSecret(), http);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("totp + application_credential", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
    }

    [Fact]
    public async Task A_second_receipt_ends_the_call_after_two_posts_never_a_loop()
    {
        var again = MfaFixtures.ReceiptBody(completed: "\"password\",\"totp\"", rules: """[["password","totp","application_credential"]]""");
        using var cloud = new FakeCloud
        {
            TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(), () => MfaFixtures.ReceiptResponse("rcpt-2", again)),
        };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(WithSecret(), http);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => auth.GetAccessAsync().AsTask());

        Assert.Equal(["password", "totp"], ex.CompletedMethods);
        Assert.Equal(2, cloud.TokenPosts.Count);
    }

    [Fact]
    public async Task A_wrong_passcode_in_the_continuation_is_an_authentication_failure_and_nothing_is_cached()
    {
        using var cloud = new FakeCloud
        {
            TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(), MfaFixtures.Unauthorized, () => MfaFixtures.ReceiptResponse(), MfaFixtures.Token()),
        };
        using var http = new HttpClient(cloud);
        var auth = new CachingPasswordAuth(new PasswordAuth(WithSecret(), http), new TokenCache());

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => auth.GetAccessAsync().AsTask());
        Assert.IsNotType<MultiFactorRequiredException>(ex);
        Assert.Equal(2, cloud.TokenPosts.Count);

        Assert.Equal("tok-mfa", (await auth.GetAccessAsync()).Token);
        Assert.Equal(4, cloud.TokenPosts.Count);
        Assert.Equal("tok-mfa", (await auth.GetAccessAsync()).Token);
        Assert.Equal(4, cloud.TokenPosts.Count);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"receipt":{"methods":["password"]}}""")]
    [InlineData("""{"receipt":{"methods":"password"},"required_auth_methods":[["password","totp"]]}""")]
    [InlineData("""{"receipt":{"methods":["password"]},"required_auth_methods":[]}""")]
    [InlineData("""{"receipt":{"methods":["pass\nword"]},"required_auth_methods":[["password","totp"]]}""")]
    public async Task A_receipt_body_that_is_not_a_receipt_is_an_invalid_response_and_not_continued(string body)
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse(body: body)) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(WithSecret(), http);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("auth receipt", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
    }

    [Fact]
    public async Task A_receipt_that_is_not_a_header_value_is_refused_unquoted()
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(() => MfaFixtures.ReceiptResponse("rcpt with space")) };
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(WithSecret(), http);

        var ex = await Assert.ThrowsAsync<InvalidResponseException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("Openstack-Auth-Receipt", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rcpt", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
    }

    private static PasswordAuthOptions WithSecret()
    {
        var options = Fixtures.Options();
        options.TotpSecret = MfaFixtures.Secret;
        return options;
    }
}
