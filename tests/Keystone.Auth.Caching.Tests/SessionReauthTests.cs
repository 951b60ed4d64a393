using System.Collections.Concurrent;
using System.Net;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>KeystoneSession over CachingPasswordAuth: a 401 costs one token POST and one resend, however many callers see it.</summary>
public sealed class SessionReauthTests
{
    private const string Catalog = """
        [{"type":"platform","name":"sysinv","id":"s-1","endpoints":[
          {"id":"e-1","interface":"admin","region":"subcloud1","region_id":"subcloud1","url":"https://sysinv.test:6385/v1"}]}]
        """;

    private static readonly EndpointFilter Platform = new("platform", EndpointInterface.Admin);

    [Fact]
    public async Task A_401_causes_exactly_one_extra_post_and_one_resend_with_the_new_token()
    {
        using var h = new CacheHarness();
        h.Server.CatalogJson = Catalog;
        var seen = new ConcurrentQueue<string>();
        h.Server.Service = (request, _) =>
        {
            var token = request.Headers.GetValues("X-Auth-Token").Single();
            seen.Enqueue($"{request.RequestUri!.AbsoluteUri} {token}");
            return Task.FromResult(token == "tok-1" ? Rejected() : new HttpResponseMessage(HttpStatusCode.OK));
        };
        using var session = new KeystoneSession(h.Auth(), h.Http);

        using var response = await session.GetAsync("/ihosts", Platform);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, h.Server.Posts);
        Assert.Equal(["https://sysinv.test:6385/v1/ihosts tok-1", "https://sysinv.test:6385/v1/ihosts tok-2"], seen);

        // The new token is now the cached one.
        Assert.Equal("tok-2", (await session.GetAccessAsync()).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task A_401_on_the_fresh_token_is_not_looped()
    {
        using var h = new CacheHarness();
        h.Server.CatalogJson = Catalog;
        var calls = 0;
        h.Server.Service = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromResult(Rejected());
        };
        using var session = new KeystoneSession(h.Auth(), h.Http);

        var error = await Assert.ThrowsAsync<KeystoneHttpException>(() => session.GetAsync("/ihosts", Platform));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(2, calls);
        Assert.Equal(2, h.Server.Posts);
    }

    [Theory]
    [InlineData(false)] // the replacement POST answers at once: late 401s meet the newer token
    [InlineData(true)]  // the replacement POST is held until every caller waits on it
    public async Task Fifty_concurrent_callers_rejected_with_the_same_old_token_cause_one_post_and_one_resend_each(bool holdReplacement)
    {
        const int Callers = 50;
        using var h = new CacheHarness();
        h.Server.CatalogJson = Catalog;
        var withOld = 0;
        var allOldArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var byCaller = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        h.Server.Service = async (request, cancellationToken) =>
        {
            var token = request.Headers.GetValues("X-Auth-Token").Single();
            var caller = request.Headers.GetValues("X-Caller").Single();
            byCaller.GetOrAdd(caller, _ => new()).Enqueue(token);
            if (token != "tok-1")
            {
                return new HttpResponseMessage(HttpStatusCode.OK);
            }

            // Hold every request made with the old token until all callers have sent
            // one, so all 50 see the 401 for the same token.
            if (Interlocked.Increment(ref withOld) == Callers)
            {
                allOldArrived.SetResult();
            }

            await allOldArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return Rejected();
        };
        var auth = h.Auth();
        using var session = new KeystoneSession(auth, h.Http);
        Assert.Equal("tok-1", (await session.GetAccessAsync()).Token);

        if (holdReplacement)
        {
            h.Server.HoldPosts();
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/ihosts", UriKind.Relative));
            request.Headers.Add("X-Caller", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await session.SendAsync(request, Platform);
            return response.StatusCode;
        })).ToArray();
        start.SetResult();
        if (holdReplacement)
        {
            Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == Callers));
            h.Server.Release();
        }

        var statuses = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(2, h.Server.Posts);
        Assert.Equal(Callers, byCaller.Count);
        Assert.All(byCaller.Values, tokens => Assert.Equal(["tok-1", "tok-2"], tokens));
    }

    private static HttpResponseMessage Rejected()
    {
        var response = TokenServer.Error(HttpStatusCode.Unauthorized, "The request you have made requires authentication.");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Keystone uri=\"https://keystone.test:5001\"");
        return response;
    }
}
