namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>
/// Redis stopped and restarted under the store (its own server, so the shared
/// one is never disturbed), and a store with wrong credentials.
/// </summary>
[Collection(RedisGroup.Name)]
public sealed class OutageTests(RedisFixture fixture)
{
    [Fact]
    public async Task Redis_stopped_gives_misses_opens_the_breaker_and_never_throws_then_sharing_resumes_after_restart()
    {
        await using var server = await RedisServer.StartNewAsync();
        var options = Stores.Options(server);
        options.BreakerFailureThreshold = 2;
        options.BreakerOpenDuration = TimeSpan.FromMilliseconds(200);
        var log = new ListLogger();
        await using var store = await RedisTokenStore.ConnectAsync(options, log);
        await using var other = await Stores.ConnectAsync(server);
        using var metrics = new MetricRecorder();
        var key = TestKeys.NewKey();
        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));
        Assert.NotNull(await store.GetAsync(key));

        await server.StopAsync();

        // every kind of call, many times: none throws, each answers "nothing"
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(await store.GetAsync(key));
            Assert.False(await store.SetAsync(key, "token-2", TestKeys.Payload("two"), TimeSpan.FromMinutes(5)));
            Assert.False(await store.RemoveIfMatchAsync(key, "token-1"));
            Assert.Null(await store.TryAcquireLeaseAsync(key, TimeSpan.FromSeconds(5)));
            Assert.Null(await store.WaitForEntryAsync(key, TimeSpan.FromSeconds(5)));
        }

        Assert.True(store.IsBreakerOpen);
        Assert.True(metrics["keystone.auth.store.breaker.transitions|open"] >= 1);
        Assert.True(metrics["keystone.auth.store.bypassed"] > 0, "an open breaker must skip Redis");
        Assert.True(metrics["keystone.auth.store.errors"] >= options.BreakerFailureThreshold);
        Assert.True(metrics["keystone.auth.store.lease_waits|unavailable"] > 0);
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("circuit breaker open", StringComparison.Ordinal));

        await server.RestartAsync();

        // Redis came back empty (no persistence): sharing resumes once the probe succeeds.
        Assert.True(
            await Eventually.TrueAsync(() => store.SetAsync(key, "token-3", TestKeys.Payload("three"), TimeSpan.FromMinutes(5))),
            "sharing did not resume within 60 s of the restart");
        Assert.False(store.IsBreakerOpen);
        // the other process (connection) reconnects on its own schedule; then it reads what this one stored
        Assert.True(await Eventually.TrueAsync(async () => await other.GetAsync(key) is { } e && e.Payload.Span.SequenceEqual(TestKeys.Payload("three"))));
        Assert.Contains(log.Lines, l => l.Text.Contains("sharing resumed", StringComparison.Ordinal));

        // the subscriptions came back too: a broadcast from the other store reaches this one
        var received = new TaskCompletionSource<TokenStoreInvalidation>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Invalidated += n => received.TrySetResult(n);
        Assert.True(await other.RemoveIfMatchAsync(key, "token-3"));
        Assert.True(key.IsToken(await received.Task.WaitAsync(TimeSpan.FromSeconds(30)), "token-3"));
    }

    [Fact]
    public async Task Connect_succeeds_while_redis_is_down_and_sharing_starts_when_it_comes_up()
    {
        await using var server = await RedisServer.StartNewAsync();
        await server.StopAsync();
        var options = Stores.Options(server);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(500);
        options.BreakerOpenDuration = TimeSpan.FromMilliseconds(200);
        var log = new ListLogger();

        await using var store = await RedisTokenStore.ConnectAsync(options, log);
        var key = TestKeys.NewKey();
        Assert.Null(await store.GetAsync(key));
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("could not connect", StringComparison.Ordinal));

        await server.RestartAsync();
        Assert.True(
            await Eventually.TrueAsync(() => store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5))),
            "the store never connected after Redis came up");
        Assert.NotNull(await store.GetAsync(key));
    }

    [Theory]
    [InlineData("Wr0ng-Pa55word-that-must-not-leak")]
    // Redis' own answer ("NOAUTH Authentication required") then holds the password: it must be cut out.
    [InlineData("Authentication")]
    public async Task A_wrong_password_connects_answers_misses_and_logs_the_error_without_the_password(string wrongPassword)
    {
        var server = fixture.Server;
        var options = Stores.Options(server);
        options.Configuration = $"127.0.0.1:{server.Port},password={wrongPassword}";
        options.ConnectTimeout = TimeSpan.FromSeconds(2);
        var log = new ListLogger();

        await using var store = await RedisTokenStore.ConnectAsync(options, log);
        var key = TestKeys.NewKey();

        Assert.Null(await store.GetAsync(key));
        Assert.False(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));
        Assert.Null(await store.TryAcquireLeaseAsync(key, TimeSpan.FromSeconds(5)));
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.DoesNotContain(wrongPassword, log.All, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acl_user_limited_to_the_prefix_works_through_the_configuration_string()
    {
        var server = fixture.Server;
        var options = Stores.Options(server);
        options.Configuration = $"127.0.0.1:{server.Port},user={server.AclUser},password={server.AclPassword}";
        var log = new ListLogger();
        await using var store = await RedisTokenStore.ConnectAsync(options, log);
        await using var receiver = await Stores.ConnectAsync(server);
        var key = TestKeys.NewKey();
        var received = new TaskCompletionSource<TokenStoreInvalidation>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Invalidated += n =>
        {
            if (n.EntryName == key.EntryName)
            {
                received.TrySetResult(n);
            }
        };

        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)), log.All);
        Assert.NotNull(await store.GetAsync(key));
        await using (var lease = await store.TryAcquireLeaseAsync(key, TimeSpan.FromSeconds(30)))
        {
            Assert.NotNull(lease);
        }

        Assert.True(await store.RemoveIfMatchAsync(key, "token-1"));
        Assert.True(key.IsToken(await received.Task.WaitAsync(TimeSpan.FromSeconds(30)), "token-1"));
        Assert.DoesNotContain(server.AclPassword, log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_acl_user_refused_the_prefix_gets_misses_and_a_warning_never_an_exception()
    {
        var server = fixture.Server;
        var options = Stores.Options(server);
        options.Configuration = $"127.0.0.1:{server.Port},user={server.AclUser},password={server.AclPassword}";
        options.KeyPrefix = "not-allowed:";
        var log = new ListLogger();
        using var metrics = new MetricRecorder();

        await using var store = await RedisTokenStore.ConnectAsync(options, log);
        var key = TestKeys.NewKey();

        Assert.False(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));
        Assert.Null(await store.GetAsync(key));
        Assert.True(metrics["keystone.auth.store.errors"] >= 2);
        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.DoesNotContain(server.AclPassword, log.All, StringComparison.Ordinal);
    }
}
