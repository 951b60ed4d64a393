using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>The cross-process lease and the bounded wait for the winner's token.</summary>
[Collection(RedisGroup.Name)]
public sealed class LeaseTests(RedisFixture fixture)
{
    private RedisServer Server => fixture.Server;

    [Fact]
    public async Task Exactly_one_of_many_concurrent_acquirers_on_separate_connections_wins()
    {
        const int N = 8;
        var stores = new RedisTokenStore[N];
        for (var i = 0; i < N; i++)
        {
            stores[i] = await Stores.ConnectAsync(Server);
        }

        try
        {
            var key = TestKeys.NewKey();
            using var go = new ManualResetEventSlim();
            var attempts = stores.Select(s => Task.Run(async () =>
            {
                go.Wait();
                return await s.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1));
            })).ToArray();
            go.Set();
            var leases = await Task.WhenAll(attempts);

            Assert.Single(leases, l => l is not null);
            await leases.Single(l => l is not null)!.DisposeAsync();
            await using var next = await stores[0].TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1));
            Assert.NotNull(next);
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Only_the_owner_releases_a_lease()
    {
        await using var a = await Stores.ConnectAsync(Server);
        await using var b = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();
        var leaseKey = (RedisKey)("keystone-auth:" + key.EntryName + ":lease");

        var first = await a.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1));
        Assert.NotNull(first);
        Assert.Null(await b.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1)));
        Assert.False(await b.ReleaseLeaseAsync(leaseKey, "not-the-owner"));
        Assert.True(await raw.GetDatabase().KeyExistsAsync(leaseKey));

        // a's lease runs out (deleted here instead of waiting), b takes it, then a's late release must not free b's
        await raw.GetDatabase().KeyDeleteAsync(leaseKey);
        var second = await b.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1));
        Assert.NotNull(second);
        var owner = await raw.GetDatabase().StringGetAsync(leaseKey);
        await first.DisposeAsync();
        Assert.Equal(owner, await raw.GetDatabase().StringGetAsync(leaseKey));

        await second.DisposeAsync();
        Assert.False(await raw.GetDatabase().KeyExistsAsync(leaseKey));
    }

    [Fact]
    public async Task The_lease_expires_by_itself()
    {
        await using var a = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();

        await using var lease = await a.TryAcquireLeaseAsync(key, TimeSpan.FromSeconds(42));

        Assert.NotNull(lease);
        var ttl = await raw.GetDatabase().KeyTimeToLiveAsync("keystone-auth:" + key.EntryName + ":lease");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(42));
    }

    [Fact]
    public async Task A_waiter_gets_the_winners_token_through_the_notification()
    {
        await using var winner = await Stores.ConnectAsync(Server);
        var options = Stores.Options(Server);
        options.WaitPollInterval = TimeSpan.FromMinutes(1);   // only the "stored" notification can wake it in time
        await using var waiter = await RedisTokenStore.ConnectAsync(options);
        using var metrics = new MetricRecorder();
        var key = TestKeys.NewKey();
        await using var lease = await winner.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1));
        Assert.NotNull(lease);
        Assert.Null(await waiter.TryAcquireLeaseAsync(key, TimeSpan.FromMinutes(1)));

        var asleep = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiter.WaitingForNotification += name =>
        {
            if (name == key.EntryName)
            {
                asleep.TrySetResult();
            }
        };
        var waiting = waiter.WaitForEntryAsync(key, TimeSpan.FromSeconds(30));
        await asleep.Task.WaitAsync(TimeSpan.FromSeconds(30));   // it read "nothing yet" and sleeps
        Assert.True(await winner.SetAsync(key, "token-1", TestKeys.Payload("fetched once"), TimeSpan.FromMinutes(5)));
        var entry = await waiting;

        Assert.NotNull(entry);
        Assert.Equal(TestKeys.Payload("fetched once"), entry.Payload.ToArray());
        Assert.Equal(1, metrics["keystone.auth.store.lease_waits|stored"]);
    }

    [Fact]
    public async Task A_wait_with_no_winner_returns_null_when_it_runs_out()
    {
        await using var waiter = await Stores.ConnectAsync(Server);
        using var metrics = new MetricRecorder();
        var key = TestKeys.NewKey();

        Assert.Null(await waiter.WaitForEntryAsync(key, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(1, metrics["keystone.auth.store.lease_waits|timeout"]);
    }

    [Fact]
    public async Task A_wait_for_another_entry_is_not_woken_by_this_one()
    {
        await using var writer = await Stores.ConnectAsync(Server);
        await using var waiter = await Stores.ConnectAsync(Server);
        var mine = TestKeys.NewKey();
        var other = TestKeys.NewKey();

        var waiting = waiter.WaitForEntryAsync(mine, TimeSpan.FromMilliseconds(800));
        Assert.True(await writer.SetAsync(other, "token-1", TestKeys.Payload("other"), TimeSpan.FromMinutes(5)));

        Assert.Null(await waiting);
    }
}
