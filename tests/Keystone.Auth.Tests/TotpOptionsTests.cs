using System.Text.Json;

namespace Keystone.Auth.Tests;

/// <summary>
/// TOTP and multi-factor options: each mistake named before any request, and
/// a secret, passcode or provider never shown by ToString or a serializer.
/// </summary>
public sealed class TotpOptionsTests
{
    private const string Url = "https://keystone.test:5001/v3";

    public static TheoryData<string, string> TotpMistakes => new()
    {
        { "none", "a TOTP passcode source is required: set TotpSecret, PasscodeProvider or Passcode (one-shot)" },
        { "two", "set only one of TotpSecret, PasscodeProvider or Passcode" },
        { "bad secret", "TotpSecret is not valid base32: unexpected character at position 3 (A-Z and 2-7 only)" },
        { "short secret", "TotpSecret is not valid base32: 1 symbols is not a whole number of bytes" },
        { "passcode letters", "Passcode must be the 6 to 10 digits of one TOTP code" },
        { "passcode short", "Passcode must be the 6 to 10 digits of one TOTP code" },
        { "stable provider", "StableCacheId needs TotpSecret as the TOTP source: a PasscodeProvider or a one-shot Passcode cannot name the same cache entry in two processes" },
        { "no user", "set UserId, or Username with UserDomainId or UserDomainName" },
    };

    [Theory]
    [MemberData(nameof(TotpMistakes))]
    public void Totp_mistakes_are_named_before_any_request(string mistake, string failure)
    {
        var options = new TotpAuthOptions { AuthUrl = Url, UserId = "u-1" };
        switch (mistake)
        {
            case "two": options.TotpSecret = MfaFixtures.Secret; options.Passcode = "123456"; break;
            case "bad secret": options.TotpSecret = "GE1DGNBV"; break;
            case "short secret": options.TotpSecret = "G"; break;
            case "passcode letters": options.Passcode = "12a456"; break;
            case "passcode short": options.Passcode = "12345"; break;
            case "stable provider": options.PasscodeProvider = _ => ValueTask.FromResult("123456"); options.StableCacheId = true; break;
            case "no user": options.UserId = null; options.TotpSecret = MfaFixtures.Secret; break;
        }

        using var http = new HttpClient(new NoCallsHandler());
        var ex = Assert.Throws<InvalidOptionsException>(() => new TotpAuth(options, http));

        Assert.Equal("TotpAuthOptions", ex.OptionsType);
        Assert.Contains(failure, ex.Failures);
    }

    [Fact]
    public void Multi_factor_needs_a_password_and_a_totp_source()
    {
        using var http = new HttpClient(new NoCallsHandler());
        var ex = Assert.Throws<InvalidOptionsException>(() => new MultiFactorAuth(new MultiFactorAuthOptions { AuthUrl = Url, UserId = "u-1" }, http));

        Assert.Equal("MultiFactorAuthOptions", ex.OptionsType);
        Assert.Equal(["Password is required", "a TOTP passcode source is required: set TotpSecret, PasscodeProvider or Passcode (one-shot)"], ex.Failures);
    }

    [Fact]
    public void Password_takes_at_most_one_totp_source()
    {
        var options = Fixtures.Options();
        options.TotpSecret = MfaFixtures.Secret;
        options.PasscodeProvider = _ => ValueTask.FromResult("123456");
        using var http = new HttpClient(new NoCallsHandler());

        var ex = Assert.Throws<InvalidOptionsException>(() => new PasswordAuth(options, http));

        Assert.Equal(["set only one of TotpSecret or PasscodeProvider"], ex.Failures);
    }

    [Fact]
    public void Secrets_and_passcodes_are_never_shown_or_serialized()
    {
        const string secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        var totp = new TotpAuthOptions { AuthUrl = Url, UserId = "u-1", TotpSecret = secret };
        var oneShot = new TotpAuthOptions { AuthUrl = Url, UserId = "u-1", Passcode = "918273" };
        var mfa = new MultiFactorAuthOptions { AuthUrl = Url, UserId = "u-1", Password = "Pw-918273x", PasscodeProvider = _ => ValueTask.FromResult("1") };
        var password = Fixtures.Options();
        password.TotpSecret = secret;
        using var http = new HttpClient(new NoCallsHandler());

        var texts = new[]
        {
            totp.ToString(), oneShot.ToString(), mfa.ToString(), password.ToString(),
            JsonSerializer.Serialize(totp), JsonSerializer.Serialize(oneShot), JsonSerializer.Serialize(mfa), JsonSerializer.Serialize(password),
            new TotpAuth(totp, http).ToString(), new TotpAuth(oneShot, http).ToString(), new MultiFactorAuth(mfa, http).ToString(), new PasswordAuth(password, http).ToString(),
        };

        foreach (var text in texts)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("918273", text, StringComparison.Ordinal);
            Assert.DoesNotContain("PasscodeProvider\":", text, StringComparison.Ordinal);
        }

        Assert.Contains("TotpSecret = ***", totp.ToString(), StringComparison.Ordinal);
        Assert.Contains("Passcode = ***", oneShot.ToString(), StringComparison.Ordinal);
        Assert.Contains("PasscodeProvider = (set)", mfa.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_gives_the_one_shot_passcode()
    {
        var vars = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = Url, ["OS_USERNAME"] = "mfa", ["OS_USER_DOMAIN_NAME"] = "Default", ["OS_PASSWORD"] = "pw",
            ["OS_PASSCODE"] = "123456", ["OS_PROJECT_ID"] = "p-1",
        };

        var totp = TotpAuthOptions.FromEnvironment(n => vars.GetValueOrDefault(n));
        var mfa = MultiFactorAuthOptions.FromEnvironment(n => vars.GetValueOrDefault(n));

        Assert.Equal(("mfa", "Default", "123456", "p-1"), (totp.Username, totp.UserDomainName, totp.Passcode, totp.ProjectId));
        Assert.Equal(("pw", "123456", "p-1"), (mfa.Password, mfa.Passcode, mfa.ProjectId));
    }
}
