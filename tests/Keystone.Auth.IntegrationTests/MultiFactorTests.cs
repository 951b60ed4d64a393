using System.Net;
using Keystone.Auth.Caching;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// TOTP and auth receipts on the real Keystone (issue 11): a user with the
/// rule [password, totp] and a TOTP credential. Token POSTs are counted on the
/// wire by the test's handler, never by the library.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class MultiFactorTests(KeystoneFixture fx) : IDisposable
{
    private readonly MfaUsers _users = new(fx);

    [Fact]
    public async Task Password_with_a_totp_secret_gets_a_receipt_and_completes_in_two_posts()
    {
        var user = await _users.CreateAsync();
        var options = Password(user);
        options.TotpSecret = user.TotpSecret;
        using var http = TestHttp.Create(out var counter);
        using var session = Session(new PasswordAuth(options, http), http, out var auth);

        await CallAsync(session);
        await CallAsync(session);

        Assert.Equal(2, counter.TokenPosts); // password -> 401 + receipt, then totp + receipt -> token; then a cache hit
        Assert.Equal(1, counter.Unauthorized);
        var access = await auth.GetAccessAsync();
        Assert.Equal(user.Id, access.User!.Id);
        Assert.Equal(fx.Seed.AlphaId, access.Project!.Id);
        Assert.Contains("password", access.Methods);
        Assert.Contains("totp", access.Methods);
    }

    [Fact]
    public async Task Multi_factor_signs_in_with_one_post()
    {
        var user = await _users.CreateAsync();
        using var http = TestHttp.Create(out var counter);
        using var session = Session(new MultiFactorAuth(MultiFactor(user), http), http, out _);

        await CallAsync(session);

        Assert.Equal(1, counter.TokenPosts);
        Assert.Equal(0, counter.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_passcode_is_a_typed_error_and_nothing_is_cached()
    {
        var user = await _users.CreateAsync();
        var options = MultiFactor(user);
        var calls = 0;
        options.TotpSecret = null;
        options.PasscodeProvider = _ =>
        {
            var good = MfaUsers.Passcode(user.TotpSecret, DateTimeOffset.UtcNow);
            // The first answer is wrong for this window and the previous one Keystone also accepts.
            return ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? Wrong(user.TotpSecret) : good);
        };
        using var http = TestHttp.Create(out var counter);
        using var session = Session(new MultiFactorAuth(options, http), http, out _);

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity));

        Assert.IsNotType<MultiFactorRequiredException>(ex);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(1, counter.TokenPosts);

        await CallAsync(session);
        Assert.Equal(2, counter.TokenPosts); // nothing was cached: the next call POSTs again
    }

    [Fact]
    public async Task Password_alone_without_a_totp_source_is_told_totp_is_required()
    {
        var user = await _users.CreateAsync();
        using var http = TestHttp.Create(out var counter);
        using var session = Session(new PasswordAuth(Password(user), http), http, out _);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity));

        Assert.Equal(["password"], ex.CompletedMethods);
        Assert.Contains(ex.RequiredMethods, rule => rule.Contains("password") && rule.Contains("totp"));
        Assert.Contains("still needed: totp", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, counter.TokenPosts);
    }

    [Fact]
    public async Task Totp_alone_is_told_password_is_required()
    {
        var user = await _users.CreateAsync();
        using var http = TestHttp.Create(out var counter);
        var totp = new TotpAuth(new TotpAuthOptions { AuthUrl = fx.AuthUrl, UserId = user.Id, TotpSecret = user.TotpSecret, ProjectId = fx.Seed.AlphaId }, http);

        var ex = await Assert.ThrowsAsync<MultiFactorRequiredException>(() => totp.GetAccessAsync().AsTask());

        Assert.Equal(["totp"], ex.CompletedMethods);
        Assert.Contains("still needed: password", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, counter.TokenPosts);
    }

    public void Dispose() => _users.Dispose();

    private PasswordAuthOptions Password(MfaUser user) => new()
    {
        AuthUrl = fx.AuthUrl, Username = user.Name, UserDomainName = "Default", Password = user.Password,
        ProjectName = SeedData.AlphaName, ProjectDomainName = "Default",
    };

    private MultiFactorAuthOptions MultiFactor(MfaUser user) => new()
    {
        AuthUrl = fx.AuthUrl, UserId = user.Id, Password = user.Password, TotpSecret = user.TotpSecret, ProjectId = fx.Seed.AlphaId,
    };

    private static KeystoneSession Session(IAuthPlugin plugin, HttpClient http, out CachingPasswordAuth auth)
    {
        auth = new CachingPasswordAuth(plugin, new TokenCache());
        return new KeystoneSession(auth, http);
    }

    private static async Task CallAsync(KeystoneSession session)
    {
        using var response = await session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A 6-digit code that is neither the current nor the previous window's.</summary>
    private static string Wrong(string secret)
    {
        var now = DateTimeOffset.UtcNow;
        var valid = new[] { -60, -30, 0, 30 }.Select(s => MfaUsers.Passcode(secret, now.AddSeconds(s))).ToHashSet();
        var candidate = 0;
        while (valid.Contains(candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)))
        {
            candidate++;
        }

        return candidate.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
