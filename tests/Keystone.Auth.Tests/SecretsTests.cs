using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Tests;

/// <summary>
/// A realistic run (PasswordAuth + CachingPasswordAuth + session + handler, a
/// 401 re-authentication, a rejection after re-authentication, an error status
/// and a wrong password) with every log captured at Trace: the password and
/// the tokens appear nowhere, and tokens are named only by {SHA256} fingerprints.
/// </summary>
public sealed partial class SecretsTests
{
    [GeneratedRegex("^\\{SHA256\\}[0-9a-f]{16}$")]
    private static partial Regex FingerprintPattern();

    private static string ExpectedFingerprint(string token) =>
        "{SHA256}" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16].ToLowerInvariant();

    [Fact]
    public async Task No_password_or_token_appears_in_logs_exceptions_telemetry_or_to_string()
    {
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        var wrongPassword = "Wrong-" + Guid.NewGuid().ToString("N");
        var tokenPrefix = "gAAAAAB" + Guid.NewGuid().ToString("N");
        var capture = new LogCapture();
        var texts = new List<string>();
        var tags = new List<string>();

        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith("Keystone.Auth", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (tags)
                {
                    tags.AddRange(a.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                    tags.AddRange(a.Events.Select(e => e.Name));
                    tags.Add(a.StatusDescription ?? string.Empty);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var cloud = new FakeCloud { TokenValue = n => $"{tokenPrefix}-{n}" };
        using var http = new HttpClient(cloud, disposeHandler: false);
        var cache = new TokenCache(logger: capture.For<TokenCache>());
        var options = Fixtures.Options(password: password);
        var passwordAuth = new PasswordAuth(options, http, capture.For<PasswordAuth>());
        var auth = new CachingPasswordAuth(passwordAuth, cache);
        using var session = new KeystoneSession(auth, http, new KeystoneSessionOptions(), capture.For<KeystoneSession>());

        // 1. first token; 2. a 401 -> invalidate, new token, resend
        var first = await session.GetAccessAsync();
        cloud.ThenUnauthorized();
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();

        // 3. an error status raised as an exception
        cloud.ThenService(HttpStatusCode.InternalServerError, """{"error":{"message":"boom","title":"Internal"}}""");
        texts.Add((await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/x", Fixtures.Platform))).ToString());

        // 4. rejected again after re-authentication
        cloud.ThenUnauthorized().ThenUnauthorized();
        var rejected = await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/y", Fixtures.Platform));
        texts.Add(rejected.ToString());

        // 5. the handler path, with its own 401 retry
        cloud.ThenUnauthorized();
        using (var client = new HttpClient(new KeystoneAuthHandler(auth, Fixtures.Platform, null, capture.For<KeystoneAuthHandler>()) { InnerHandler = cloud }, disposeHandler: false)
        {
            BaseAddress = KeystoneAuthHandler.CatalogBaseAddress,
        })
        {
            using var ok = await client.GetAsync(new Uri("/ihosts", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // 6. a wrong password
        using var refusing = new FakeCloud
        {
            TokenReply = _ => new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent(Fixtures.UnauthorizedBody) },
        };
        using var refusingHttp = new HttpClient(refusing);
        var wrongOptions = Fixtures.Options(password: wrongPassword);
        var wrongAuth = new PasswordAuth(wrongOptions, refusingHttp, capture.For<PasswordAuth>());
        using var wrongSession = new KeystoneSession(new CachingPasswordAuth(wrongAuth, cache), refusingHttp, null, capture.For<KeystoneSession>());
        var failed = await Assert.ThrowsAsync<AuthenticationFailedException>(() => wrongSession.GetAsync("/ihosts", Fixtures.Platform));
        texts.Add(failed.ToString());

        var current = await session.GetAccessAsync();
        texts.AddRange(
        [
            failed.Message, rejected.Message,
            first.ToString(), current.ToString(),
            options.ToString(), wrongOptions.ToString(),
            passwordAuth.ToString(), wrongAuth.ToString(), auth.ToString(),
            passwordAuth.GetCacheId(), wrongAuth.GetCacheId(),
        ]);

        var tokens = Enumerable.Range(1, cloud.TokenPosts.Count).Select(n => $"{tokenPrefix}-{n}").ToArray();
        Assert.Equal(4, tokens.Length); // first, after the 401, after the 401 in step 4, after the handler's 401
        Assert.Equal(tokens[0], first.Token);
        var logText = capture.AllText().ToList();
        var everything = logText.Concat(texts).Concat(tags).ToList();

        foreach (var secret in tokens.Append(password).Append(wrongPassword).Append(tokenPrefix))
        {
            Assert.DoesNotContain(everything, text => text.Contains(secret, StringComparison.Ordinal));
        }

        // The run was really logged, at every level down to Trace.
        var events = capture.Entries.Select(e => e.EventId.Id).ToHashSet();
        Assert.Superset(new HashSet<int> { 1, 2, 3, 4, 6, 8, 101, 102 }, events);
        Assert.Contains(capture.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Trace);
        Assert.Contains(capture.Entries, e => e.Exception is not null);
        Assert.NotEmpty(tags);

        // Tokens are named only by fingerprints, and those are the right ones.
        var fingerprints = capture.Entries.SelectMany(e => e.State).Where(s => s.Key == "TokenFingerprint").Select(s => s.Value!).ToList();
        Assert.NotEmpty(fingerprints);
        Assert.All(fingerprints, f => Assert.Matches(FingerprintPattern(), f));
        foreach (var token in tokens)
        {
            Assert.Contains(ExpectedFingerprint(token), fingerprints);
        }

        // The first rejection names the first token, by fingerprint.
        Assert.Contains(ExpectedFingerprint(tokens[0]), capture.Entries.First(e => e.EventId.Id == 4).Message, StringComparison.Ordinal);
        Assert.Equal(ExpectedFingerprint(first.Token), first.TokenFingerprint);
        Assert.Contains(first.TokenFingerprint, first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Access_info_to_string_shows_only_the_fingerprint()
    {
        var token = "gAAAAAB-" + Guid.NewGuid().ToString("N");

        var access = AccessInfo.FromTokenResponse(token, Fixtures.ProjectScopedBody);

        Assert.DoesNotContain(token, access.ToString(), StringComparison.Ordinal);
        Assert.Matches(FingerprintPattern(), access.TokenFingerprint);
        Assert.Equal(ExpectedFingerprint(token), access.TokenFingerprint);
        Assert.Contains("dcmanager", access.ToString(), StringComparison.Ordinal);
        Assert.Contains("project services", access.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Different_tokens_have_different_fingerprints()
    {
        var a = AccessInfo.FromTokenResponse("token-a", Fixtures.ProjectScopedBody);
        var b = AccessInfo.FromTokenResponse("token-b", Fixtures.ProjectScopedBody);

        Assert.NotEqual(a.TokenFingerprint, b.TokenFingerprint);
    }

    [Fact]
    public void Cache_id_is_a_keyed_hash_that_changes_with_the_password()
    {
        using var http = new HttpClient(new NoCallsHandler());
        var a = new PasswordAuth(Fixtures.Options(password: "first-password"), http).GetCacheId();
        var b = new PasswordAuth(Fixtures.Options(password: "second-password"), http).GetCacheId();
        var again = new PasswordAuth(Fixtures.Options(password: "first-password"), http).GetCacheId();

        Assert.Matches("^[0-9a-f]{64}$", a);
        Assert.NotEqual(a, b);
        Assert.Equal(a, again);
        Assert.DoesNotContain("first-password", a, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_request_failure_messages_never_echo_the_body()
    {
        var body = Fixtures.EditToken(t => t["expires_at"] = "not-a-date-" + new string('x', 200));

        var ex = Assert.Throws<InvalidResponseException>(() => AccessInfo.FromTokenResponse("secret-token-value", body));

        Assert.DoesNotContain("secret-token-value", ex.ToString(), StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 200, ex.Message);
    }
}
