using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>Round trip, TTL, and every kind of bad entry, against a real Redis.</summary>
[Collection(RedisGroup.Name)]
public sealed class EntryTests(RedisFixture fixture)
{
    private RedisServer Server => fixture.Server;

    [Fact]
    public async Task Round_trip_returns_the_payload_and_its_remaining_life()
    {
        await using var store = await Stores.ConnectAsync(Server);
        using var metrics = new MetricRecorder();
        var key = TestKeys.NewKey();
        var payload = TestKeys.Payload("exported token bytes");

        Assert.True(await store.SetAsync(key, "gAAAAA-token-1", payload, TimeSpan.FromMinutes(10)));
        var entry = await store.GetAsync(key);

        Assert.NotNull(entry);
        Assert.Equal(payload, entry.Payload.ToArray());
        Assert.InRange(entry.RemainingLife, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        Assert.Equal(1, metrics["keystone.auth.store.hits"]);
    }

    [Fact]
    public async Task The_redis_ttl_is_the_remaining_life_and_the_value_is_not_in_clear()
    {
        await using var store = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();
        var token = "gAAAAA-secret-token-value";
        var payload = TestKeys.Payload("payload carrying " + token);

        Assert.True(await store.SetAsync(key, token, payload, TimeSpan.FromSeconds(1234)));

        var redisKey = "keystone-auth:" + key.EntryName;
        var ttl = await raw.GetDatabase().KeyTimeToLiveAsync(redisKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1200), TimeSpan.FromSeconds(1234));
        var stored = (byte[]?)await raw.GetDatabase().StringGetAsync(redisKey);
        Assert.NotNull(stored);
        Assert.DoesNotContain("secret-token", System.Text.Encoding.Latin1.GetString(stored));
        Assert.DoesNotContain("payload carrying", System.Text.Encoding.Latin1.GetString(stored));
    }

    [Fact]
    public async Task An_expired_token_is_not_stored()
    {
        await using var store = await Stores.ConnectAsync(Server);
        var key = TestKeys.NewKey();

        Assert.False(await store.SetAsync(key, "t", TestKeys.Payload("x"), TimeSpan.Zero));
        Assert.Null(await store.GetAsync(key));
    }

    public static TheoryData<string> Damage => new() { "tampered", "truncated", "header-only-cut", "other-version", "garbage", "hash-swapped" };

    [Theory]
    [MemberData(nameof(Damage))]
    public async Task A_damaged_or_foreign_entry_is_ignored_counted_and_logged_never_served(string damage)
    {
        var log = new ListLogger();
        await using var store = await Stores.ConnectAsync(Server, log);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();
        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("the real payload"), TimeSpan.FromMinutes(5)));
        var redisKey = (RedisKey)("keystone-auth:" + key.EntryName);
        var good = (byte[])(await raw.GetDatabase().StringGetAsync(redisKey))!;

        var bad = damage switch
        {
            "tampered" => Flip(good, good.Length - 1),
            "truncated" => good[..^3],
            "header-only-cut" => good[..20],
            "other-version" => Replace(good, 0, 2),
            "garbage" => System.Security.Cryptography.RandomNumberGenerator.GetBytes(good.Length),
            _ => Flip(good, 5),
        };
        await raw.GetDatabase().StringSetAsync(redisKey, bad, TimeSpan.FromMinutes(5));
        using var metrics = new MetricRecorder();

        var entry = await store.GetAsync(key);

        Assert.Null(entry);
        Assert.Equal(1, metrics["keystone.auth.store.ignored_entries"]);
        Assert.Equal(1, metrics["keystone.auth.store.misses"]);
        var expectedReason = damage switch
        {
            "truncated" => "authentication",  // cut inside the ciphertext: the tag no longer matches
            "header-only-cut" => "truncated",
            "other-version" => "version",
            "garbage" => bad[0] == EntryFormat.Version ? "authentication" : "version",
            _ => "authentication",
        };
        Assert.Equal(1, metrics["keystone.auth.store.ignored_entries|" + expectedReason]);
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains(key.EntryName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_entry_without_expiry_is_ignored()
    {
        await using var store = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();
        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("p"), TimeSpan.FromMinutes(5)));
        await raw.GetDatabase().KeyPersistAsync("keystone-auth:" + key.EntryName);
        using var metrics = new MetricRecorder();

        Assert.Null(await store.GetAsync(key));
        Assert.Equal(1, metrics["keystone.auth.store.ignored_entries|no_expiry"]);
    }

    [Fact]
    public async Task An_entry_read_with_another_key_is_ignored()
    {
        await using var store = await Stores.ConnectAsync(Server);
        using var metrics = new MetricRecorder();
        var writer = TestKeys.NewKey();
        var reader = TestKeys.NewKey(writer.EntryName);   // same name, another secret

        Assert.True(await store.SetAsync(writer, "token-1", TestKeys.Payload("p"), TimeSpan.FromMinutes(5)));

        Assert.Null(await store.GetAsync(reader));
        Assert.Equal(1, metrics["keystone.auth.store.ignored_entries|authentication"]);
        Assert.NotNull(await store.GetAsync(writer));
    }

    [Fact]
    public async Task Two_entry_names_never_read_each_others_entries_even_when_copied_across()
    {
        await using var store = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var one = new TokenStoreKey(TestKeys.NewName(), secret);
        var two = new TokenStoreKey(TestKeys.NewName(), secret);   // even with the same key

        Assert.True(await store.SetAsync(one, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));
        Assert.Null(await store.GetAsync(two));

        // an attacker copies one's ciphertext under two's name: the name is authenticated
        var value = await raw.GetDatabase().StringGetAsync("keystone-auth:" + one.EntryName);
        await raw.GetDatabase().StringSetAsync("keystone-auth:" + two.EntryName, value, TimeSpan.FromMinutes(5));
        using var metrics = new MetricRecorder();
        Assert.Null(await store.GetAsync(two));
        Assert.Equal(1, metrics["keystone.auth.store.ignored_entries|authentication"]);
        Assert.Equal(TestKeys.Payload("one"), (await store.GetAsync(one))!.Payload.ToArray());
    }

    [Fact]
    public async Task The_key_prefix_option_names_the_redis_key()
    {
        var options = Stores.Options(Server);
        options.KeyPrefix = "other-app:";
        await using var store = await RedisTokenStore.ConnectAsync(options);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();

        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("p"), TimeSpan.FromMinutes(5)));

        Assert.True(await raw.GetDatabase().KeyExistsAsync("other-app:" + key.EntryName));
        Assert.False(await raw.GetDatabase().KeyExistsAsync("keystone-auth:" + key.EntryName));
    }

    private static byte[] Flip(byte[] value, int index)
    {
        var copy = (byte[])value.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static byte[] Replace(byte[] value, int index, byte b)
    {
        var copy = (byte[])value.Clone();
        copy[index] = b;
        return copy;
    }
}
