using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>
/// TokenCache over a real Redis: two caches on two connections play two
/// processes; the counting Keystone says how many POSTs the pair made.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed class TieredCacheTests(RedisFixture fixture)
{
    private RedisServer Server => fixture.Server;

    [Fact]
    public async Task Two_processes_make_one_post_at_cold_start_and_one_more_after_a_401_that_both_see()
    {
        using var keystone = new CountingKeystone();
        using var http = new HttpClient(keystone, disposeHandler: false);
        await using var storeA = await Stores.ConnectAsync(Server);
        await using var storeB = await Stores.ConnectAsync(Server);
        var identity = CountingKeystone.Identity(Guid.NewGuid().ToString("N"));
        var a = new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = storeA }));
        var b = new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = storeB }));

        // A's POST is held while B's callers arrive: B must wait for A's token, not POST.
        var gate = keystone.Hold();
        var fromA = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await a.GetAccessAsync())).ToArray();
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(keystone.Posts == 1)));
        var fromB = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await b.GetAccessAsync())).ToArray();
        await Task.Delay(300);
        gate.SetResult();
        var all = await Task.WhenAll(fromA.Concat(fromB)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, keystone.Posts);
        Assert.All(all, t => Assert.Equal(keystone.TokenNumber(1), t.Token));

        // A service rejects the token in A: A fetches once; B is told and takes A's new token.
        a.Invalidate(all[0]);
        var tok2 = await a.GetAccessAsync();
        Assert.Equal(keystone.TokenNumber(2), tok2.Token);
        Assert.True(await Eventually.TrueAsync(async () => (await b.GetAccessAsync()).Token == tok2.Token));
        Assert.Equal(2, keystone.Posts);
    }

    [Fact]
    public async Task A_tampered_entry_in_redis_is_ignored_and_costs_one_post()
    {
        using var keystone = new CountingKeystone();
        using var http = new HttpClient(keystone, disposeHandler: false);
        await using var storeA = await Stores.ConnectAsync(Server);
        await using var storeB = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var identity = CountingKeystone.Identity(Guid.NewGuid().ToString("N"));
        var name = ((ISharedTokenIdentity)new PasswordAuth(identity, http)).DeriveSharedTokenKey(new byte[32]);
        var redisKey = (StackExchange.Redis.RedisKey)("keystone-auth:" + name);
        await new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = storeA })).GetAccessAsync();
        Assert.True(await Eventually.TrueAsync(() => raw.GetDatabase().KeyExistsAsync(redisKey)));

        // Someone with write access to the keyspace flips one byte of the sealed entry.
        var sealedBytes = (byte[])(await raw.GetDatabase().StringGetAsync(redisKey))!;
        sealedBytes[sealedBytes.Length / 2] ^= 0x5a;
        await raw.GetDatabase().StringSetAsync(redisKey, sealedBytes, TimeSpan.FromMinutes(30));

        var b = await new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = storeB })).GetAccessAsync();

        Assert.Equal(keystone.TokenNumber(2), b.Token);
        Assert.Equal(2, keystone.Posts);
    }

    [Fact]
    public async Task A_dead_redis_costs_each_process_its_own_post_and_no_failure()
    {
        using var keystone = new CountingKeystone();
        using var http = new HttpClient(keystone, disposeHandler: false);
        await using var dead = await RedisTokenStore.ConnectAsync(new RedisTokenStoreOptions { Configuration = "127.0.0.1:1", ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        var identity = CountingKeystone.Identity(Guid.NewGuid().ToString("N"));
        var a = new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = dead }));
        var b = new CachingPasswordAuth(new PasswordAuth(identity, http), new TokenCache(new TokenCacheOptions { Store = dead }));

        await a.GetAccessAsync();
        await b.GetAccessAsync();

        Assert.Equal(2, keystone.Posts);
    }

    [Fact]
    public async Task AddRedisTokenStore_sets_the_caches_store_once_and_never_waits_for_redis_at_start()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keystone:AuthUrl"] = CountingKeystone.AuthUrl, ["Keystone:Username"] = "u", ["Keystone:UserDomainName"] = "Default",
            ["Keystone:Password"] = "p", ["Keystone:ProjectName"] = "services", ["Keystone:ProjectDomainName"] = "Default",
            ["Redis:Configuration"] = "127.0.0.1:1", ["Redis:ConnectTimeout"] = "00:00:00.200",
        }).Build();
        var services = new ServiceCollection();
        services.AddKeystoneAuth(config.GetSection("Keystone")).AddTokenCaching()
            .AddRedisTokenStore(config.GetSection("Redis")).AddRedisTokenStore(config.GetSection("Redis"));
        await using var sp = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(ITokenStore));
        var store = sp.GetRequiredService<ITokenStore>();
        Assert.Same(store, sp.GetRequiredService<IOptions<TokenCacheOptions>>().Value.Store);
        Assert.Equal(TimeSpan.FromMilliseconds(200), sp.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value.ConnectTimeout);
        Assert.NotNull(sp.GetRequiredService<TokenCache>());

        // Redis is not there: a miss within the connect timeout, never an exception.
        Assert.Null(await store.GetAsync(TestKeys.NewKey()).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AddRedisTokenStore_wires_a_working_store()
    {
        var services = new ServiceCollection();
        services.AddKeystoneAuth(o =>
        {
            o.AuthUrl = CountingKeystone.AuthUrl;
            o.Username = "u";
            o.UserDomainName = "Default";
            o.Password = "p";
        }).AddTokenCaching().AddRedisTokenStore(o => o.Configuration = Server.Configuration);
        await using var sp = services.BuildServiceProvider();
        var store = sp.GetRequiredService<ITokenStore>();
        var key = TestKeys.NewKey();

        Assert.True(await store.SetAsync(key, "t", TestKeys.Payload("x"), TimeSpan.FromMinutes(1)));
        Assert.Equal(TestKeys.Payload("x"), (await store.GetAsync(key))!.Payload.ToArray());
    }

    [Theory]
    [InlineData("", "RedisTokenStoreOptions.Configuration is required")]
    [InlineData("127.0.0.1:1,password=Sup3rS3cret,noSuchKeyword=1", "RedisTokenStoreOptions.Configuration is not a valid")]
    public void Bad_options_fail_at_start_up_naming_the_option_never_the_password(string configuration, string expected)
    {
        var services = new ServiceCollection();
        services.AddKeystoneAuth(o => o.AuthUrl = CountingKeystone.AuthUrl).AddRedisTokenStore(o => o.Configuration = configuration);
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rS3cret", ex.ToString(), StringComparison.Ordinal);
    }
}
