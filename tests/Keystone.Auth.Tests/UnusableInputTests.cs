using System.Text.Json.Nodes;
using Keystone.Auth.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// Odd values from a Keystone or its catalog end as typed errors or skipped
/// entries, never as NotSupportedException, UriFormatException or
/// ArgumentOutOfRangeException escaping the library.
/// </summary>
public sealed class UnusableInputTests
{
    public static TheoryData<string> UnusableUrls => new()
    {
        "/x", "svc/x", "ftp://h/x", "file:///etc/passwd", "javascript:alert(1)", "mailto:a@b", "http://", "http:///p", "urn:x", "h:80",
    };

    [Theory]
    [MemberData(nameof(UnusableUrls))]
    public async Task An_unusable_catalog_url_is_skipped_and_alone_gives_EndpointNotFound(string url)
    {
        using var cloud = new FakeCloud { TokenBody = _ => Fixtures.BodyWithCatalog("platform", ("admin", url)) };
        using var http = new HttpClient(cloud, disposeHandler: false);
        using var session = new KeystoneSession(new PasswordAuth(Fixtures.Options(), http), http);

        await Assert.ThrowsAsync<EndpointNotFoundException>(async () => await session.GetEndpointAsync(Fixtures.Platform));
        await Assert.ThrowsAsync<EndpointNotFoundException>(() => session.GetAsync("/ihosts", Fixtures.Platform));
        Assert.Empty(cloud.ServiceCalls);

        // The entry is still visible as the catalog wrote it.
        var access = await session.GetAccessAsync();
        Assert.Equal(url, access.Catalog.Services.Single().Endpoints.Single().Url);
    }

    [Theory]
    [MemberData(nameof(UnusableUrls))]
    public async Task A_usable_endpoint_after_an_unusable_one_is_chosen(string url)
    {
        using var cloud = new FakeCloud { TokenBody = _ => Fixtures.BodyWithCatalog("platform", ("admin", url), ("admin", "http://10.0.0.9:6385/v1")) };
        using var http = new HttpClient(cloud, disposeHandler: false);
        using var session = new KeystoneSession(new PasswordAuth(Fixtures.Options(), http), http);

        Assert.Equal("http://10.0.0.9:6385/v1", await session.GetEndpointAsync(Fixtures.Platform));
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();
        Assert.Equal("http://10.0.0.9:6385/v1/ihosts", cloud.ServiceCalls.Single().Uri.AbsoluteUri);
    }

    public static TheoryData<string, JsonNode> WronglyTypedEndpointFields => new()
    {
        { "region", 1 },
        { "region_id", true },
        { "url", new JsonArray("http://x") },
        { "interface", new JsonObject { ["a"] = 1 } },
        { "id", 3.5 },
    };

    [Theory]
    [MemberData(nameof(WronglyTypedEndpointFields))]
    public void A_wrongly_typed_endpoint_field_skips_that_endpoint_only(string field, JsonNode value)
    {
        var body = Fixtures.EditToken(t =>
        {
            var platform = t["catalog"]!.AsArray()[1]!;
            platform["endpoints"]!.AsArray()[0]![field] = value;
        });

        var access = AccessInfo.FromTokenResponse("tok", body);

        Assert.Equal("https://10.10.10.2:5001/v3", access.Catalog.GetEndpoint(new EndpointFilter("identity")));
        var platform = access.Catalog.Services.Single(s => s.Type == "platform");
        Assert.Equal(["http://192.168.204.2:6385/v1i"], platform.Endpoints.Select(e => e.Url));
        Assert.Throws<EndpointNotFoundException>(() => access.Catalog.GetEndpoint(Fixtures.Platform));
    }

    [Fact]
    public void Wrongly_typed_services_and_entries_are_skipped_the_rest_is_kept()
    {
        var body = Fixtures.EditToken(t =>
        {
            var catalog = t["catalog"]!.AsArray();
            catalog.Add(1);
            catalog.Add("text");
            catalog.Add(null);
            catalog.Add(new JsonArray());
            catalog.Add(new JsonObject { ["type"] = 5, ["endpoints"] = new JsonArray() });
            catalog.Add(new JsonObject { ["type"] = "image", ["name"] = false, ["endpoints"] = new JsonArray() });
            catalog.Add(new JsonObject { ["type"] = "volume", ["endpoints"] = "http://x" });
            catalog[1]!["endpoints"]!.AsArray().Add(7);
            catalog[1]!["endpoints"]!.AsArray().Add(new JsonObject { ["interface"] = "admin", ["url"] = "http://late", ["extra"] = new JsonObject { ["deep"] = new JsonArray(1, 2) } });
        });

        var access = AccessInfo.FromTokenResponse("tok", body);

        Assert.Equal(["identity", "platform"], access.Catalog.Services.Select(s => s.Type));
        Assert.Equal(3, access.Catalog.Services[1].Endpoints.Count);
        Assert.Equal(Fixtures.PlatformAdminUrl, access.Catalog.GetEndpoint(Fixtures.Platform));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"x\"")]
    [InlineData("{}")]
    public void A_catalog_that_is_not_a_list_is_still_an_invalid_response(string catalog)
    {
        var body = Fixtures.EditToken(t => t["catalog"] = JsonNode.Parse(catalog));
        Assert.Throws<InvalidResponseException>(() => AccessInfo.FromTokenResponse("tok", body));
    }

    [Theory]
    [InlineData("expires_at", "9999-12-31T23:59:59-05:00")]
    [InlineData("expires_at", "9999-12-31T23:59:59.9999999-00:01")]
    [InlineData("issued_at", "0001-01-01T00:00:00+05:00")]
    public void A_time_past_the_representable_range_is_an_invalid_response(string field, string value)
    {
        var body = Fixtures.EditToken(t => t[field] = value);
        var ex = Assert.Throws<InvalidResponseException>(() => AccessInfo.FromTokenResponse("tok", body, DateTimeOffset.UtcNow));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expiring_in_year_9999_is_used_and_cached_without_overflow()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        using var cloud = new FakeCloud
        {
            // issued_at long before the local send time: requested + life overflows without saturation.
            TokenBody = _ => Fixtures.EditToken(t =>
            {
                t["issued_at"] = "2015-01-01T00:00:00Z";
                t["expires_at"] = "9999-12-31T23:59:59.999999Z";
            }),
        };
        using var http = new HttpClient(cloud, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Fixtures.Options(), http, timeProvider: time), new TokenCache(timeProvider: time));
        using var session = new KeystoneSession(auth, http);

        var access = await session.GetAccessAsync();
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();
        time.Advance(TimeSpan.FromDays(3650));
        (await session.GetAsync("/ihosts", Fixtures.Platform)).Dispose();

        Assert.Single(cloud.TokenPosts);
        Assert.Equal(2, cloud.ServiceCalls.Count);
        Assert.True(access.LocalExpiresAt > time.GetUtcNow());
        Assert.False(access.WillExpireWithin(TimeSpan.FromDays(365), time));
        Assert.True(access.WillExpireWithin(TimeSpan.MaxValue, time));
    }

    [Fact]
    public void LocalExpiresAt_and_WillExpireWithin_never_throw()
    {
        DateTimeOffset[] extremes = [DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch, new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.FromHours(-14))];
        TimeSpan[] margins = [TimeSpan.MinValue, TimeSpan.MaxValue, TimeSpan.Zero, TimeSpan.FromSeconds(120)];
        foreach (var expires in extremes)
        {
            foreach (var issued in extremes.Cast<DateTimeOffset?>().Append(null))
            {
                foreach (var requested in extremes.Cast<DateTimeOffset?>().Append(null))
                {
                    var access = new AccessInfo { Token = "t", ExpiresAt = expires, IssuedAt = issued, RequestedAt = requested };
                    var local = access.LocalExpiresAt;
                    _ = local - TimeSpan.FromDays(300);
                    _ = local + TimeSpan.FromDays(300);
                    foreach (var margin in margins)
                    {
                        _ = access.WillExpireWithin(margin);
                    }
                }
            }
        }
    }
}
