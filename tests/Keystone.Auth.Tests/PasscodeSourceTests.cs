using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// Where a passcode comes from, at the HTTP layer: a one-shot passcode is sent
/// for one token only; a provider's bad answer or failure stops the call before
/// any request; none of it (nor the receipt) reaches a log or a message.
/// </summary>
public sealed class PasscodeSourceTests
{
    [Fact]
    public async Task A_one_shot_passcode_gets_one_token_then_a_typed_error_without_a_request()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new TotpAuth(new TotpAuthOptions { AuthUrl = Fixtures.AuthUrl, UserId = "u-1", Passcode = "123456" }, http);

        var access = await auth.GetAccessAsync();
        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("Passcode is one-shot", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", ex.Message, StringComparison.Ordinal);
        Assert.Single(cloud.TokenPosts);
        Assert.False(auth.Invalidate(access));
    }

    [Fact]
    public async Task A_one_shot_passcode_that_got_no_token_may_be_tried_again()
    {
        using var cloud = new FakeCloud { TokenReply = MfaFixtures.Script(MfaFixtures.Unauthorized, MfaFixtures.Token()) };
        using var http = new HttpClient(cloud);
        var auth = new MultiFactorAuth(new MultiFactorAuthOptions { AuthUrl = Fixtures.AuthUrl, UserId = "u-1", Password = "pw", Passcode = "123456" }, http);

        await Assert.ThrowsAsync<AuthenticationFailedException>(() => auth.GetAccessAsync().AsTask());
        Assert.Equal("tok-mfa", (await auth.GetAccessAsync()).Token);

        Assert.Equal(2, cloud.TokenPosts.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 345")]
    [InlineData("12345678901")]
    [InlineData("secret-ish")]
    public async Task A_provider_answer_that_is_not_a_passcode_stops_before_any_request(string answer)
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new TotpAuth(new TotpAuthOptions { AuthUrl = Fixtures.AuthUrl, UserId = "u-1", PasscodeProvider = _ => ValueTask.FromResult(answer) }, http);

        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => auth.GetAccessAsync().AsTask());

        Assert.Contains("PasscodeProvider returned something that is not a TOTP code", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-ish", ex.Message, StringComparison.Ordinal);
        Assert.Empty(cloud.TokenPosts);
    }

    [Fact]
    public async Task A_failing_provider_is_a_keystone_error_and_cancellation_stays_cancellation()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var failing = new TotpAuth(new TotpAuthOptions
        {
            AuthUrl = Fixtures.AuthUrl, UserId = "u-1", PasscodeProvider = _ => throw new InvalidOperationException("vault down"),
        }, http);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var cancelled = new TotpAuth(new TotpAuthOptions
        {
            AuthUrl = Fixtures.AuthUrl, UserId = "u-1", PasscodeProvider = ct => ValueTask.FromCanceled<string>(ct),
        }, http);

        var ex = await Assert.ThrowsAsync<KeystoneException>(() => failing.GetAccessAsync().AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.GetAccessAsync(cts.Token).AsTask());

        Assert.Contains("PasscodeProvider of TotpAuthOptions failed (InvalidOperationException)", ex.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Empty(cloud.TokenPosts);
    }

    [Fact]
    public async Task No_secret_passcode_or_receipt_reaches_a_log_or_an_exception()
    {
        var capture = new LogCapture();
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        var receipt = "rcpt-" + Guid.NewGuid().ToString("N");
        using var cloud = new FakeCloud
        {
            TokenReply = MfaFixtures.Script(
                () => MfaFixtures.ReceiptResponse(receipt), MfaFixtures.Unauthorized,
                () => MfaFixtures.ReceiptResponse(receipt)),
        };
        using var http = new HttpClient(cloud);
        var withTotp = Fixtures.Options(password: password);
        withTotp.TotpSecret = MfaFixtures.Secret;
        var time = new FakeTimeProvider(MfaFixtures.At59);
        var texts = new List<string>
        {
            (await Assert.ThrowsAsync<AuthenticationFailedException>(() => new PasswordAuth(withTotp, http, capture.For<PasswordAuth>(), time).GetAccessAsync().AsTask())).ToString(),
            (await Assert.ThrowsAsync<MultiFactorRequiredException>(() => new PasswordAuth(Fixtures.Options(password: password), http, capture.For<PasswordAuth>(), time).GetAccessAsync().AsTask())).ToString(),
        };

        Assert.Equal(3, cloud.TokenPosts.Count);
        Assert.Contains(MfaFixtures.PasscodeAt59, cloud.TokenPosts[1].BodyText, StringComparison.Ordinal);
        Assert.NotEmpty(capture.Entries);
        foreach (var text in texts.Concat(capture.AllText()))
        {
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(receipt, text, StringComparison.Ordinal);
            Assert.DoesNotContain(MfaFixtures.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(MfaFixtures.PasscodeAt59, text, StringComparison.Ordinal);
        }
    }
}
