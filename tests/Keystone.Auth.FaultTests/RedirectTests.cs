using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Issue 10 item 1: a service that redirects never gets the token to another
/// origin (another port on 127.0.0.1 is one), whatever the client setup, and a
/// foreign 401 never makes the library fetch a token for it. What reached the
/// foreign origin is counted at that server.
/// </summary>
public sealed class RedirectTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    public static TheoryData<ClientSetup, int> GuardedSetups()
    {
        var data = new TheoryData<ClientSetup, int>();
        foreach (var setup in new[] { ClientSetup.SessionOverKeystoneTransport, ClientSetup.HandlerOverSocketsHttpHandler, ClientSetup.DiUseKeystoneTransport, ClientSetup.DiDefaultPrimary })
        {
            foreach (var status in new[] { 301, 302, 303, 307, 308 })
            {
                data.Add(setup, status);
            }
        }

        return data;
    }

    public static TheoryData<ClientSetup> LibrarySetups() => new(
        ClientSetup.SessionOverKeystoneTransport, ClientSetup.HandlerOverSocketsHttpHandler, ClientSetup.DiUseKeystoneTransport, ClientSetup.DiDefaultPrimary);

    [Theory]
    [MemberData(nameof(GuardedSetups))]
    public async Task Cross_origin_redirect_is_refused_and_nothing_reaches_the_other_origin(ClientSetup setup, int status)
    {
        await using var rig = await RedirectRig.StartAsync(setup);
        rig.Home.OnService(Redirect(status, rig.ForeignUrl("svc/stolen")));

        var ex = await Assert.ThrowsAsync<KeystoneRedirectException>(() => rig.GetAsync("x").WaitAsync(Guard));

        Assert.Equal(0, rig.Foreign.ServiceCalls);
        Assert.Empty(rig.Foreign.Requests);
        Assert.Equal(1, rig.Home.TokenPosts);
        Assert.Equal(rig.Foreign.BaseUri.GetLeftPart(UriPartial.Authority), ex.TargetOrigin!.GetLeftPart(UriPartial.Authority));
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(rig.Foreign.BaseUri.Authority, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Home.IssuedTokens.Single(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_refusal_names_the_origin_without_its_user_information()
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport);
        var location = $"http://admin:s3cret-pw@127.0.0.1:{rig.Foreign.BaseUri.Port}/svc/x";
        rig.Home.OnService(Redirect(302, location));

        var ex = await Assert.ThrowsAsync<KeystoneRedirectException>(() => rig.GetAsync("x").WaitAsync(Guard));

        Assert.DoesNotContain("s3cret-pw", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", ex.TargetOrigin!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Logs.Entries, e => e.Message.Contains("s3cret-pw", StringComparison.Ordinal));
        Assert.Contains(rig.Logs.Entries, e => e.EventId == 31);
        Assert.Equal(0, rig.Foreign.ServiceCalls);
    }

    [Fact]
    public async Task A_followed_location_loses_its_user_information()
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport, o =>
        {
            o.FollowCrossOriginRedirects = true;
            o.RaiseOnError = true;
        });
        rig.Home.OnService(Redirect(302, $"http://admin:s3cret-pw@127.0.0.1:{rig.Foreign.BaseUri.Port}/svc/x"));
        string? authorization = null;
        rig.Foreign.OnService(ctx =>
        {
            authorization = ctx.Request.Headers.Authorization.FirstOrDefault();
            return rig.Foreign.Write401Async(ctx);
        });

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.GetAsync("x").WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Null(authorization);
        Assert.Null(Assert.Single(rig.Foreign.SeenServiceTokens));
        Assert.DoesNotContain("s3cret-pw", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", ex.RequestUri!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(1, rig.Home.TokenPosts);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_caller_client_that_follows_redirects_is_detected_and_its_exposed_token_dropped(int status)
    {
        // new HttpClient() follows the redirect before the library sees the answer:
        // that one token has gone (the reason KeystoneTransport never follows). What
        // the library must do: refuse, warn, drop the token, and never fetch a new
        // one because the foreign origin answered 401.
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverNewHttpClient);
        rig.Home.OnService(Redirect(status, rig.ForeignUrl("svc/stolen")));

        var ex = await Assert.ThrowsAsync<KeystoneRedirectException>(() => rig.GetAsync("x").WaitAsync(Guard));

        Assert.Equal(1, rig.Home.TokenPosts);
        Assert.Equal(1, rig.Foreign.ServiceCalls);
        Assert.Equal(rig.Home.IssuedTokens.Single(), Assert.Single(rig.Foreign.SeenServiceTokens));
        Assert.Equal(rig.Foreign.BaseUri.GetLeftPart(UriPartial.Authority), ex.TargetOrigin!.GetLeftPart(UriPartial.Authority));
        Assert.Contains(rig.Logs.Entries, e => e.EventId == 30 && e.Message.Contains(rig.Foreign.BaseUri.Authority, StringComparison.Ordinal));

        // The exposed token was dropped: the next call fetches a new one.
        using var next = await rig.GetAsync("after").WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, rig.Home.TokenPosts);
        Assert.Equal(1, rig.Foreign.ServiceCalls);
    }

    [Theory]
    [MemberData(nameof(LibrarySetups))]
    public async Task Opt_in_follows_another_origin_without_credentials_and_never_reauthenticates_for_it(ClientSetup setup)
    {
        await using var rig = await RedirectRig.StartAsync(setup, o =>
        {
            o.FollowCrossOriginRedirects = true;
            o.DefaultHeaders["X-Service-Token"] = "service-secret";
        });
        rig.Home.OnService(Redirect(307, rig.ForeignUrl("svc/elsewhere")));

        using var response = await rig.GetAsync("x").WaitAsync(Guard);

        // The foreign server's 401 (it knows no token) is returned as is.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, rig.Foreign.ServiceCalls);
        Assert.Null(Assert.Single(rig.Foreign.SeenServiceTokens));
        Assert.Equal(1, rig.Home.TokenPosts);
    }

    [Theory]
    [MemberData(nameof(LibrarySetups))]
    public async Task Same_origin_redirect_is_followed_with_the_token(ClientSetup setup)
    {
        await using var rig = await RedirectRig.StartAsync(setup);
        rig.Home.OnService(Redirect(302, rig.HomeUrl("svc/moved?x=1")));

        using var response = await rig.GetAsync("x").WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["GET /svc/x", "GET /svc/moved"], rig.Home.Requests.Where(r => r.Contains("/svc", StringComparison.Ordinal)));
        var token = rig.Home.IssuedTokens.Single();
        Assert.All(rig.Home.SeenServiceTokens, t => Assert.Equal(token, t));
        Assert.Equal(1, rig.Home.TokenPosts);
    }

    [Theory]
    [InlineData(301, "POST", "GET", false)]
    [InlineData(302, "POST", "GET", false)]
    [InlineData(303, "POST", "GET", false)]
    [InlineData(303, "PUT", "GET", false)]
    [InlineData(303, "HEAD", "HEAD", false)]
    [InlineData(307, "POST", "POST", true)]
    [InlineData(308, "POST", "POST", true)]
    [InlineData(301, "PUT", "PUT", true)]
    [InlineData(302, "PATCH", "PATCH", true)]
    public async Task Method_and_body_follow_RFC_9110(int status, string method, string expectedMethod, bool expectBody)
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport);
        var seen = new List<(string Method, string Body)>();
        rig.Home.OnService(async ctx =>
        {
            seen.Add((ctx.Request.Method, await ReadBodyAsync(ctx)));
            await Redirect(status, rig.HomeUrl("svc/next"))(ctx);
        });
        rig.Home.OnService(async ctx =>
        {
            seen.Add((ctx.Request.Method, await ReadBodyAsync(ctx)));
            ctx.Response.StatusCode = 200;
        });
        var hasBody = method != "HEAD";
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri("first", UriKind.Relative))
        {
            // A forward-only stream: the 307/308 resend needs the bounded copy.
            Content = hasBody ? new StreamContent(new OneShotStream(Encoding.UTF8.GetBytes("{\"a\":1}"))) : null,
        };

        using var response = await rig.SendAsync(request).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, seen.Count);
        Assert.Equal(method, seen[0].Method);
        Assert.Equal(expectedMethod, seen[1].Method);
        Assert.Equal(expectBody ? "{\"a\":1}" : string.Empty, seen[1].Body);
        Assert.Equal(2, rig.Home.SeenServiceTokens.Count(t => t == rig.Home.IssuedTokens.Single()));
    }

    [Theory]
    [InlineData(ClientSetup.SessionOverKeystoneTransport)]
    [InlineData(ClientSetup.HandlerOverSocketsHttpHandler)]
    public async Task A_redirect_loop_ends_in_a_typed_error_after_MaxRedirects(ClientSetup setup)
    {
        await using var rig = await RedirectRig.StartAsync(setup, o => o.MaxRedirects = 3);
        for (var i = 0; i < 10; i++)
        {
            rig.Home.OnService(Redirect(302, rig.HomeUrl("svc/loop")));
        }

        var ex = await Assert.ThrowsAsync<KeystoneRedirectException>(() => rig.GetAsync("loop").WaitAsync(Guard));

        Assert.Equal(4, rig.Home.ServiceCalls); // the request and 3 redirects followed
        Assert.Contains("MaxRedirects", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, rig.Home.TokenPosts);
    }

    [Fact]
    public async Task A_401_after_a_same_origin_redirect_reauthenticates_once()
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport);
        rig.Home.OnService(Redirect(307, rig.HomeUrl("svc/moved")));
        rig.Home.OnService(ctx => rig.Home.Write401Async(ctx));

        using var response = await rig.GetAsync("x").WaitAsync(Guard);

        // 401 at the redirect target (our origin): new token, the whole call again.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, rig.Home.TokenPosts);
        Assert.Equal(["GET /svc/x", "GET /svc/moved", "GET /svc/x"], rig.Home.Requests.Where(r => r.Contains("/svc", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task With_MaxRedirects_0_the_session_returns_the_3xx_even_when_raising_errors()
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport, o =>
        {
            o.MaxRedirects = 0;
            o.RaiseOnError = true;
        });
        rig.Home.OnService(Redirect(302, rig.ForeignUrl("svc/elsewhere")));

        using var response = await rig.GetAsync("x").WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(rig.ForeignUrl("svc/elsewhere"), response.Headers.Location!.AbsoluteUri);
        Assert.Equal(0, rig.Foreign.ServiceCalls);
    }

    private static Func<HttpContext, Task> Redirect(int status, string location) =>
        Faults.Status(status, """{"moved":true}""", "application/json", ("Location", location));

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }
}
