using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>When a cached token stops being a hit: margin, jitter, the 120 s floor, short lives.</summary>
public sealed class ExpiryTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task With_a_300_s_margin_the_token_is_a_hit_301_s_before_expiry_and_renewed_299_s_before()
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshMargin = TimeSpan.FromSeconds(300), RefreshJitter = TimeSpan.Zero });
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        Assert.Equal(h.Time.GetUtcNow() + Hour, first.LocalExpiresAt);

        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(301));
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.Equal(1, h.Server.Posts);

        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(299));
        var renewed = await auth.GetAccessAsync();
        Assert.Equal(2, h.Server.Posts);
        Assert.Equal("tok-2", renewed.Token);
        Assert.Same(renewed, await auth.GetAccessAsync());
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Renewal_with_jitter_happens_between_460_and_300_s_before_expiry_and_is_spread()
    {
        const int Identities = 20;
        using var h = new CacheHarness(new TokenCacheOptions { RefreshMargin = TimeSpan.FromSeconds(300), RefreshJitter = TimeSpan.FromSeconds(160) });
        var auths = Enumerable.Range(0, Identities).Select(i => h.Auth("user" + i)).ToArray();
        foreach (var auth in auths)
        {
            await auth.GetAccessAsync();
        }

        var expiry = h.Time.GetUtcNow() + Hour;

        // Nobody renews earlier than margin + full jitter.
        h.Time.SetUtcNow(expiry - TimeSpan.FromSeconds(461));
        foreach (var auth in auths)
        {
            await auth.GetAccessAsync();
        }

        Assert.Equal(Identities, h.Server.Posts);

        // Probe second by second until everyone has renewed.
        var renewedAt = new Dictionary<int, int>();
        for (var before = 460; before >= 300; before--)
        {
            h.Time.SetUtcNow(expiry - TimeSpan.FromSeconds(before));
            for (var i = 0; i < Identities; i++)
            {
                if (renewedAt.ContainsKey(i))
                {
                    continue;
                }

                await auths[i].GetAccessAsync();
                if (h.Server.PostsFor("user" + i) == 2)
                {
                    renewedAt[i] = before;
                }
            }
        }

        Assert.Equal(Identities, renewedAt.Count);
        Assert.All(renewedAt.Values, s => Assert.InRange(s, 300, 460));
        Assert.True(renewedAt.Values.Distinct().Count() > 1, "jitter did not spread renewals: " + string.Join(",", renewedAt.Values));
        Assert.Equal(2 * Identities, h.Server.Posts);
    }

    [Fact]
    public void A_margin_below_keystoneauths_120_s_cannot_be_configured()
    {
        var cacheError = Assert.Throws<InvalidOptionsException>(() => new TokenCache(new TokenCacheOptions { RefreshMargin = TimeSpan.FromSeconds(119) }));
        Assert.Contains("RefreshMargin", cacheError.Message, StringComparison.Ordinal);

        using var h = new CacheHarness();
        var identityError = Assert.Throws<InvalidOptionsException>(() =>
            h.Auth(cachingOptions: new CachingPasswordAuthOptions { RefreshMargin = TimeSpan.FromSeconds(60) }));
        Assert.Contains("RefreshMargin", identityError.Message, StringComparison.Ordinal);

        var jitterError = Assert.Throws<InvalidOptionsException>(() => new TokenCache(new TokenCacheOptions { RefreshJitter = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("RefreshJitter", jitterError.Message, StringComparison.Ordinal);

        // Exactly the minimum is allowed.
        _ = new TokenCache(new TokenCacheOptions { RefreshMargin = TokenCacheOptions.MinimumRefreshMargin });
    }

    [Fact]
    public async Task A_per_identity_margin_overrides_the_caches()
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshMargin = TimeSpan.FromSeconds(300), RefreshJitter = TimeSpan.Zero });
        var auth = h.Auth(CacheHarness.Identity(), new CachingPasswordAuthOptions { RefreshMargin = TimeSpan.FromSeconds(900), RefreshJitter = TimeSpan.Zero });
        var first = await auth.GetAccessAsync();

        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(901));
        await auth.GetAccessAsync();
        Assert.Equal(1, h.Server.Posts);

        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(899));
        await auth.GetAccessAsync();
        Assert.Equal(2, h.Server.Posts);
    }

    [Theory]
    [InlineData(600, 300)] // 10 min: margin 300 + jitter capped at half the life
    [InlineData(240, 120)] // 4 min: half the life is exactly the floor
    [InlineData(180, 120)] // 3 min: half the life (90 s) is below the floor; 120 s wins
    public async Task A_short_lived_token_is_still_used_until_its_capped_margin(int lifeSeconds, int expectedMarginSeconds)
    {
        using var h = new CacheHarness(new TokenCacheOptions { RefreshMargin = TimeSpan.FromSeconds(300), RefreshJitter = TimeSpan.FromSeconds(160) });
        h.Server.Lifetime = _ => TimeSpan.FromSeconds(lifeSeconds);
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        var renewAt = first.LocalExpiresAt - TimeSpan.FromSeconds(expectedMarginSeconds);

        Assert.Same(first, await auth.GetAccessAsync());
        h.Time.SetUtcNow(renewAt - TimeSpan.FromSeconds(1));
        Assert.Same(first, await auth.GetAccessAsync());
        Assert.Equal(1, h.Server.Posts);

        h.Time.SetUtcNow(renewAt);
        Assert.Equal("tok-2", (await auth.GetAccessAsync()).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task An_expired_token_is_never_handed_out()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        h.Time.SetUtcNow(first.LocalExpiresAt + TimeSpan.FromSeconds(1));

        var next = await auth.GetAccessAsync();

        Assert.Equal("tok-2", next.Token);
        Assert.True(next.LocalExpiresAt > h.Time.GetUtcNow());
    }
}
