using System.Net;
using Keystone.Auth.Caching;
using Keystone.Auth.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Tests;

/// <summary>
/// A URL may carry credentials (<c>user:password@</c>) in a catalog or an auth
/// URL: every URL the library logs or puts in an exception has its userinfo
/// removed and keeps the rest.
/// </summary>
public sealed class UrlRedactionTests
{
    private const string Secret = "Pw-In-Url-7f3a";

    [Theory]
    [InlineData("https://admin:" + Secret + "@keystone.test:5001/v3", "https://keystone.test:5001/v3")]
    [InlineData("http://" + Secret + "@h/x?q=1#f", "http://h/x?q=1#f")]
    [InlineData("HTTP://u:" + Secret + "@H:80/p", "http://h/p")]
    [InlineData("http://u:" + Secret + "@[fd01:2::2]:5001/v3", "http://[fd01:2::2]:5001/v3")]
    [InlineData("http://h/path@not-userinfo", "http://h/path@not-userinfo")]
    [InlineData("https://keystone.test:5001/v3", "https://keystone.test:5001/v3")]
    public void Url_drops_userinfo_and_keeps_the_rest(string url, string expected)
    {
        Assert.Equal(expected, Redaction.Url(new Uri(url))!.ToString());
    }

    [Theory]
    [InlineData("https://admin:" + Secret + "@keystone.test:5001/v3", "https://keystone.test:5001/v3")]
    [InlineData("//u:" + Secret + "@h/x", "//h/x")]
    [InlineData("ftp://u:" + Secret + "@h", "ftp://h")]
    [InlineData("http://a@b@" + Secret + "@h/x", "http://h/x")]
    [InlineData("http://h/x?next=//u:p@other", "http://h/x?next=//u:p@other")]
    [InlineData("relative/path@x", "relative/path@x")]
    [InlineData("", "")]
    public void Url_text_drops_userinfo_and_keeps_the_rest(string url, string expected)
    {
        Assert.Equal(expected, Redaction.Url(url));
    }

    [Fact]
    public void Exceptions_built_from_a_url_never_show_its_userinfo()
    {
        var uri = new Uri($"https://admin:{Secret}@keystone.test:5001/v3/auth/tokens");
        KeystoneException[] errors =
        [
            new InvalidResponseException("bad", uri),
            new KeystoneHttpException(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, uri, "t", "m", "req-1"),
            new AuthenticationFailedException(HttpStatusCode.Unauthorized, HttpMethod.Post, uri),
            new KeystoneTimeoutException(uri, TimeSpan.FromSeconds(3), null),
            new KeystoneTimeoutException(uri, null, null),
            new KeystoneConnectionException("reset", uri, null),
            new ConnectFailureException(uri, null),
            new ConnectTimeoutException(uri, null),
            new TlsFailureException(uri, null),
        ];

        foreach (var error in errors)
        {
            Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
            Assert.Contains("keystone.test:5001/v3/auth/tokens", error.Message, StringComparison.Ordinal);
            var property = error.GetType().GetProperty("RequestUri")!.GetValue(error) as Uri;
            Assert.Equal("https://keystone.test:5001/v3/auth/tokens", property?.AbsoluteUri);
        }
    }

    [Fact]
    public void Log_lines_with_a_url_never_show_its_userinfo()
    {
        var capture = new LogCapture();
        var logger = capture.CreateLogger("test");
        var uri = new Uri($"https://admin:{Secret}@keystone.test:5001/v3/auth/tokens");

        Log.TokenRequesting(logger, uri, "id");
        Log.TokenRequestFailed(logger, uri, "id", "error", 1, new InvalidOperationException("x"));
        Log.TokenRejected(logger, HttpMethod.Get, uri, 401, "{SHA256}0");
        Log.ReauthNotPossible(logger, HttpMethod.Get, uri, 401, "why");
        Log.RejectedAfterReauth(logger, HttpMethod.Get, uri, 401, "{SHA256}0");
        Log.TransientRetry(logger, HttpMethod.Get, uri, 1, 1, "why");
        Log.RequestCompleted(logger, HttpMethod.Get, uri, HttpStatusCode.OK, 1);

        Assert.Equal(7, capture.Entries.Count);
        Assert.All(capture.Entries, e => Assert.Contains("https://keystone.test:5001/v3/auth/tokens", e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(capture.AllText(), t => t.Contains(Secret, StringComparison.Ordinal));

        // Event names stay those of the public-shaped methods, for log filters.
        Assert.Equal(["TokenRequesting", "TokenRequestFailed", "TokenRejected", "ReauthNotPossible", "RejectedAfterReauth", "TransientRetry", "RequestCompleted"],
            capture.Entries.Select(e => e.EventId.Name));
    }

    [Fact]
    public async Task A_catalog_url_with_credentials_is_used_but_never_logged_or_shown()
    {
        var catalogUrl = $"http://admin:{Secret}@192.168.204.2:6385/v1";
        var capture = new LogCapture();
        using var cloud = new FakeCloud { TokenBody = _ => Fixtures.BodyWithCatalog("platform", ("admin", catalogUrl)) };
        using var http = new HttpClient(cloud, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), http, capture.For<PasswordAuth>()), new TokenCache(logger: capture.For<TokenCache>()));
        using var session = new KeystoneSession(auth, http, new KeystoneSessionOptions(), capture.For<KeystoneSession>());

        // A 401 and its resend (Information), completions (Trace), then an error status raised.
        cloud.ThenUnauthorized().ThenService(HttpStatusCode.OK).ThenService(HttpStatusCode.InternalServerError, """{"error":{"message":"boom"}}""");
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();
        var error = await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/ihosts", Fixtures.Platform));

        Assert.Equal(3, cloud.ServiceCalls.Count);
        Assert.Contains(capture.Entries, e => e.EventId.Name == "TokenRejected");
        Assert.Contains(capture.Entries, e => e.EventId.Name == "RequestCompleted" && e.Message.Contains("http://192.168.204.2:6385/v1/ihosts", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.AllText(), t => t.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.Equal("http://192.168.204.2:6385/v1/ihosts", error.RequestUri?.AbsoluteUri);
    }
}
