namespace Keystone.Auth.Tests;

/// <summary>
/// The cache identity of TOTP and password + TOTP: separate from password
/// alone and from each other, covering the TOTP source but never a passcode;
/// a provider or a one-shot passcode never shares an entry it did not earn.
/// </summary>
public sealed class TotpCacheIdTests
{
    private const string Url = "https://keystone.test:5001/v3";

    private static readonly Func<CancellationToken, ValueTask<string>> s_provider = _ => ValueTask.FromResult("123456");

    [Fact]
    public void Totp_multi_factor_and_password_never_share_an_id()
    {
        var withSecret = Fixtures.Options();
        withSecret.TotpSecret = MfaFixtures.Secret;
        var ids = new[]
        {
            Id(new PasswordAuth(Fixtures.Options(), Http)),
            Id(new PasswordAuth(withSecret, Http)),
            Id(new TotpAuth(Totp(), Http)),
            Id(new MultiFactorAuth(Mfa(), Http)),
        };

        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    public static TheoryData<string> TotpChanges => new() { "secret", "user", "project", "url", "catalog", "provider", "stable" };

    [Theory]
    [MemberData(nameof(TotpChanges))]
    public void Totp_id_covers_what_decides_the_token(string change)
    {
        var changed = Totp();
        switch (change)
        {
            case "secret": changed.TotpSecret = "JBSWY3DPEHPK3PXP"; break;
            case "user": changed.UserId = "u-2"; break;
            case "project": changed.ProjectId = "p-2"; break;
            case "url": changed.AuthUrl = "https://other.test:5001/v3"; break;
            case "catalog": changed.IncludeCatalog = false; break;
            case "provider": changed.TotpSecret = null; changed.PasscodeProvider = s_provider; break;
            case "stable": changed.StableCacheId = true; break;
        }

        Assert.Equal(Id(new TotpAuth(Totp(), Http)), Id(new TotpAuth(Totp(), Http)));
        Assert.NotEqual(Id(new TotpAuth(Totp(), Http)), Id(new TotpAuth(changed, Http)));
    }

    [Fact]
    public void A_provider_shares_an_id_only_with_itself()
    {
        TotpAuthOptions With(Func<CancellationToken, ValueTask<string>> provider) => new() { AuthUrl = Url, UserId = "u-1", PasscodeProvider = provider };
        Func<CancellationToken, ValueTask<string>> other = _ => ValueTask.FromResult("654321");

        Assert.Equal(Id(new TotpAuth(With(s_provider), Http)), Id(new TotpAuth(With(s_provider), Http)));
        Assert.NotEqual(Id(new TotpAuth(With(s_provider), Http)), Id(new TotpAuth(With(other), Http)));
    }

    [Fact]
    public void A_one_shot_passcode_gives_each_plugin_its_own_id()
    {
        TotpAuthOptions OneShot() => new() { AuthUrl = Url, UserId = "u-1", Passcode = "123456" };

        Assert.NotEqual(Id(new TotpAuth(OneShot(), Http)), Id(new TotpAuth(OneShot(), Http)));
    }

    [Fact]
    public void The_stable_id_of_a_totp_secret_is_the_same_for_two_plugins_and_changes_with_the_secret()
    {
        var a = Totp();
        a.StableCacheId = true;
        var b = Totp();
        b.StableCacheId = true;
        var c = Totp();
        c.StableCacheId = true;
        c.TotpSecret = "JBSWY3DPEHPK3PXP";

        Assert.Equal(Id(new TotpAuth(a, Http)), Id(new TotpAuth(b, Http)));
        Assert.NotEqual(Id(new TotpAuth(a, Http)), Id(new TotpAuth(c, Http)));
    }

    [Fact]
    public void Multi_factor_id_changes_with_the_password_and_the_secret()
    {
        var password = Mfa();
        password.Password += "x";
        var secret = Mfa();
        secret.TotpSecret = "JBSWY3DPEHPK3PXP";

        var id = Id(new MultiFactorAuth(Mfa(), Http));
        Assert.NotEqual(id, Id(new MultiFactorAuth(password, Http)));
        Assert.NotEqual(id, Id(new MultiFactorAuth(secret, Http)));
    }

    private static HttpClient Http { get; } = new(new NoCallsHandler());

    private static string Id(IAuthPlugin plugin) => plugin.GetCacheId()!;

    private static TotpAuthOptions Totp() => new() { AuthUrl = Url, UserId = "u-1", TotpSecret = MfaFixtures.Secret, ProjectId = "p-1" };

    private static MultiFactorAuthOptions Mfa() => new() { AuthUrl = Url, UserId = "u-1", Password = "pw", TotpSecret = MfaFixtures.Secret, ProjectId = "p-1" };
}
