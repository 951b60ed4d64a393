using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// A service reached through the catalog misbehaves, or the catalog itself is
/// odd. A failing service call must never cost the good token: it stays cached.
/// </summary>
public sealed class ServiceFaultTests : FaultTestBase
{
    [Fact]
    public async Task Slow_service_response_past_session_Timeout_is_KeystoneTimeoutException_and_token_is_kept()
    {
        Server.OnService(Server.HangAsync);
        using var client = new Harness(Server, session: new KeystoneSessionOptions { Timeout = TimeSpan.FromSeconds(1) });
        await client.Caching.GetAccessAsync(); // the deadline covers a token fetch too; keep this one about the service

        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(() => client.Session.GetAsync("/slow", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(TimeSpan.FromSeconds(1), ex.Timeout);
        Assert.Equal(new Uri(Server.ServiceUrl + "/slow"), ex.RequestUri);
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task Service_body_cut_by_connection_abort_is_KeystoneConnectionException_and_token_is_kept()
    {
        Server.OnService(Faults.AbortMidBody(200, """{"servers":[{"id":"1"},{"id":"2"},{"id":"3"}]}""", 10));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(new Uri(Server.ServiceUrl + "/servers"), ex.RequestUri);
        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task Service_connection_abort_before_any_answer_is_KeystoneConnectionException_and_token_is_kept()
    {
        Server.OnService(Faults.AbortBeforeHeaders());
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard));

        await AssertTokenKeptAsync(client);
    }

    [Fact]
    public async Task Keystone_401_with_WWW_Authenticate_causes_one_reauth_and_one_resend()
    {
        using var client = new Harness(Server);
        var first = await client.Caching.GetAccessAsync();
        Server.Revoke(first.Token); // e.g. all fernet keys replaced

        using var response = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Server.TokenPosts);
        Assert.Equal(2, Server.ServiceCalls);
        var seen = Server.SeenServiceTokens.ToArray();
        Assert.Equal(first.Token, seen[0]);
        Assert.Equal(Server.IssuedTokens.Last(), seen[1]);
        Assert.Equal([first.Token], Server.RejectedServiceTokens);

        // The fresh token is the cached one now.
        Assert.Equal(seen[1], (await client.Caching.GetAccessAsync()).Token);
        Assert.Equal(2, Server.TokenPosts);
    }

    [Fact]
    public async Task Persistent_401_is_returned_after_exactly_one_resend()
    {
        Server.OnService(Server.Write401Async);
        Server.OnService(Server.Write401Async);
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal(2, Server.ServiceCalls);
        Assert.Equal(2, Server.TokenPosts);

        // The second token was not thrown away by the second 401 (no loop, no extra POST).
        await AssertTokenKeptAsync(client, expectedPosts: 2);
    }

    [Fact]
    public async Task Token_that_expires_during_use_is_renewed_before_the_service_sees_it_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Server.Clock = time.GetUtcNow;
        Server.TokenLifetime = TimeSpan.FromMinutes(10);
        using var client = new Harness(Server, time: time);

        var tokens = new List<string>();
        for (var minute = 0; minute <= 30; minute++)
        {
            using var response = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            tokens.Add(Server.SeenServiceTokens.Last()!);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // 10-minute tokens renewed 5 minutes before their end: one POST per 5 minutes.
        Assert.Equal(7, Server.TokenPosts); // minutes 0, 5, 10, ... 30
        Assert.Empty(Server.RejectedServiceTokens);
        Assert.Equal(Server.TokenPosts, tokens.Distinct().Count());
    }

    [Fact]
    public async Task Duplicate_services_and_endpoints_first_in_catalog_order_wins()
    {
        var catalog = new JsonArray(
            FaultServer.Service("compute", "nova", FaultServer.Endpoint("public", "RegionOne", Server.ServiceUrl + "/first"), FaultServer.Endpoint("public", "RegionOne", Server.ServiceUrl + "/first-dup")),
            FaultServer.Service("compute", "nova", FaultServer.Endpoint("public", "RegionOne", Server.ServiceUrl + "/second")));
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, Server.TokenBody(Server.Clock(), Server.Clock().AddHours(1), catalog)));
        using var client = new Harness(Server);

        using var response = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["POST /v3/auth/tokens", "GET /svc/first/servers"], Server.Requests.ToArray());
    }

    [Fact]
    public async Task Catalog_with_missing_fields_does_not_crash_and_unusable_entries_give_EndpointNotFoundException()
    {
        var catalog = JsonNode.Parse($$"""
        [
          null,
          {"name":"no type","endpoints":[{"interface":"public","url":"http://nowhere"}]},
          {"type":"image"},
          {"type":"volume","endpoints":null},
          {"type":"network","endpoints":[null,{"interface":"public"},{"interface":"public","url":""},{"url":"http://no-interface"},{"interface":"sideways","url":"http://odd"}]},
          {"type":"compute","endpoints":[{"interface":"public","url":"{{Server.ServiceUrl}}"}]}
        ]
        """)!.AsArray();
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, Server.TokenBody(Server.Clock(), Server.Clock().AddHours(1), catalog)));
        using var client = new Harness(Server);

        using var response = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        foreach (var type in new[] { "image", "volume", "network", "no type" })
        {
            var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => client.Session.GetAsync("/x", new EndpointFilter(type)).WaitAsync(Guard));
            Assert.False(ex.CatalogIsEmpty);
        }

        // A catalog problem is not a token problem: still one POST, no service call for the misses.
        Assert.Equal(1, Server.TokenPosts);
        Assert.Equal(1, Server.ServiceCalls);
    }

    [Fact]
    public async Task Empty_catalog_gives_EndpointNotFoundException_saying_so()
    {
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, Server.TokenBody(Server.Clock(), Server.Clock().AddHours(1), [])));
        using var client = new Harness(Server);

        var ex = await Assert.ThrowsAsync<EndpointNotFoundException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.True(ex.CatalogIsEmpty);
        Assert.Equal(1, Server.TokenPosts);
        Assert.Equal(0, Server.ServiceCalls);
    }

    [Fact]
    public async Task Catalog_of_the_wrong_json_type_is_InvalidResponseException_and_nothing_is_cached()
    {
        var body = Server.TokenBody(Server.Clock(), Server.Clock().AddHours(1));
        body["token"]!["catalog"] = "not a list";
        Server.OnToken(ctx => Server.IssueTokenAsync(ctx, body));
        using var client = new Harness(Server);

        await Assert.ThrowsAsync<InvalidResponseException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        await AssertNothingCachedAsync(client);
    }
}
