using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Testing.Tests;

/// <summary>The fake's scripted behaviour, observed through plain HttpClient calls and PasswordAuth.</summary>
public sealed class FakeKeystoneHandlerTests
{
    [Fact]
    public async Task Issues_tokens_the_service_accepts_and_counts_posts()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var auth = new PasswordAuth(Rig.Options(fake), http);

        var access = await auth.GetAccessAsync();
        Assert.Equal(1, fake.TokenRequestCount);
        Assert.Equal(access.Token, fake.LastIssuedToken?.TokenId);
        Assert.Equal(["password"], access.Methods);
        Assert.Equal(fake.ServiceUrl.ToString().TrimEnd('/'), access.Catalog.GetEndpoint(Rig.Platform));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, fake, access.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, "not-issued"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, null));
        Assert.Equal((3, 2), (fake.ServiceRequestCount, fake.RejectedServiceRequestCount));
    }

    [Fact]
    public async Task Rotating_keys_rejects_every_token_issued_before()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var auth = new PasswordAuth(Rig.Options(fake), http);
        var first = await auth.GetAccessAsync();
        var second = await auth.GetAccessAsync();

        fake.RotateKeys();
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, first.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, second.Token));
        var third = await auth.GetAccessAsync();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, fake, third.Token));
        Assert.False(fake.Revoke(first.Token));
        Assert.True(fake.Revoke(third.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, third.Token));
    }

    [Fact]
    public async Task Expired_tokens_are_rejected_on_the_fakes_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var fake = new FakeKeystoneHandler(new FakeKeystoneOptions { TimeProvider = clock });
        fake.TokenTemplate = fake.TokenTemplate.WithLifetime(TimeSpan.FromMinutes(5));
        using var http = new HttpClient(fake, disposeHandler: false);
        var token = (await new PasswordAuth(Rig.Options(fake), http).GetAccessAsync()).Token;
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, fake, token));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, fake, token));
    }

    [Fact]
    public async Task Scripted_401s_are_given_exactly_once_each_under_a_race()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var token = (await new PasswordAuth(Rig.Options(fake), http).GetAccessAsync()).Token;
        // Many rounds: a check-then-decrement that is not atomic hands out more
        // 401s than scripted in some round.
        for (var round = 1; round <= 40; round++)
        {
            fake.RejectNextServiceRequests(3);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                return await StatusAsync(http, fake, token);
            })).ToArray();
            start.SetResult();
            var statuses = await Task.WhenAll(calls);
            Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.Unauthorized));
            Assert.Equal(3 * round, fake.RejectedServiceRequestCount);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, fake, token));
    }

    [Fact]
    public async Task Failing_token_posts_n_times_then_issuing()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var auth = new PasswordAuth(Rig.Options(fake), http);
        fake.FailNextTokenRequests(2, HttpStatusCode.InternalServerError);
        fake.RefuseNextTokenConnections(1);

        var e1 = await Assert.ThrowsAsync<KeystoneHttpException>(() => auth.GetAccessAsync().AsTask());
        Assert.Equal(HttpStatusCode.InternalServerError, e1.StatusCode);
        await Assert.ThrowsAsync<KeystoneHttpException>(() => auth.GetAccessAsync().AsTask());
        await Assert.ThrowsAsync<ConnectFailureException>(() => auth.GetAccessAsync().AsTask());
        await auth.GetAccessAsync();
        Assert.Equal((4, 1), (fake.TokenRequestCount, fake.TokensIssued));
    }

    [Fact]
    public async Task Failing_service_requests_n_times()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var token = (await new PasswordAuth(Rig.Options(fake), http).GetAccessAsync()).Token;
        fake.FailNextServiceRequests(1, HttpStatusCode.BadGateway);
        fake.RefuseNextServiceConnections(1);
        Assert.Equal(HttpStatusCode.BadGateway, await StatusAsync(http, fake, token));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => StatusAsync(http, fake, token));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, fake, token));
    }

    [Fact]
    public async Task Wrong_password_is_refused_as_keystone_does()
    {
        using var fake = new FakeKeystoneHandler(new FakeKeystoneOptions { Password = Rig.Password });
        using var http = new HttpClient(fake, disposeHandler: false);
        await Assert.ThrowsAsync<AuthenticationFailedException>(() => new PasswordAuth(Rig.Options(fake, "wrong"), http).GetAccessAsync().AsTask());
        await new PasswordAuth(Rig.Options(fake), http).GetAccessAsync();
        Assert.Equal((2, 1), (fake.TokenRequestCount, fake.TokensIssued));
    }

    [Fact]
    public async Task Delay_runs_on_the_fakes_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var fake = new FakeKeystoneHandler(new FakeKeystoneOptions { TimeProvider = clock });
        fake.TokenResponseDelay = TimeSpan.FromHours(1);   // a wall-clock delay would outlast the wait below
        using var http = new HttpClient(fake, disposeHandler: false);
        var pending = new PasswordAuth(Rig.Options(fake), http).GetAccessAsync().AsTask();

        // The POST has arrived (counted) and waits for the fake clock, not the wall clock.
        await WaitUntilAsync(() => fake.TokenRequestCount == 1);
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.False(pending.IsCompleted);
        Assert.Equal(0, fake.TokensIssued);
        clock.Advance(TimeSpan.FromMinutes(1));
        await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, fake.TokensIssued);
    }

    [Fact]
    public async Task Recorded_requests_hold_the_body_but_never_show_password_or_token()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var token = (await new PasswordAuth(Rig.Options(fake), http).GetAccessAsync()).Token;
        await StatusAsync(http, fake, token);
        using var other = await http.GetAsync(new Uri("https://elsewhere.test/x"));

        var requests = fake.Requests;
        Assert.Equal([FakeKeystoneRequestKind.Token, FakeKeystoneRequestKind.Service, FakeKeystoneRequestKind.Other], requests.Select(r => r.Kind));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Contains(Rig.Password, requests[0].Body, StringComparison.Ordinal);
        Assert.Equal(["password"], requests[0].AuthMethods);
        Assert.Equal(token, requests[1].AuthToken);
        foreach (var r in requests)
        {
            Assert.DoesNotContain(Rig.Password, r.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(token, r.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal("POST https://keystone.test:5000/v3/auth/tokens (Token: password)", requests[0].ToString());
    }

    [Fact]
    public async Task Nocatalog_and_template_shape_are_honoured()
    {
        using var fake = new FakeKeystoneHandler();
        fake.TokenTemplate = new KeystoneTokenBuilder().ForSystem().WithStandardEndpoints("platform", "https://x/v1");
        using var http = new HttpClient(fake, disposeHandler: false);
        var options = Rig.Options(fake);
        options.ProjectName = null;
        options.ProjectDomainName = null;
        options.SystemScope = "all";
        options.IncludeCatalog = false;
        var access = await new PasswordAuth(options, http).GetAccessAsync();
        Assert.Equal("all", access.SystemScope);
        Assert.True(access.Catalog.IsEmpty);
        Assert.Contains("nocatalog", fake.Requests[0].Uri.Query, StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, FakeKeystoneHandler fake, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fake.ServiceUrl, "v1/hosts"));
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }
}
