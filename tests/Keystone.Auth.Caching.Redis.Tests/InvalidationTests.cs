namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>Compare-and-delete and its broadcast to other processes (other connections).</summary>
[Collection(RedisGroup.Name)]
public sealed class InvalidationTests(RedisFixture fixture)
{
    private RedisServer Server => fixture.Server;

    [Fact]
    public async Task Remove_deletes_only_the_entry_that_still_holds_that_token()
    {
        await using var store = await Stores.ConnectAsync(Server);
        var key = TestKeys.NewKey();
        Assert.True(await store.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));

        Assert.False(await store.RemoveIfMatchAsync(key, "token-other"));
        Assert.NotNull(await store.GetAsync(key));

        Assert.True(await store.RemoveIfMatchAsync(key, "token-1"));
        Assert.Null(await store.GetAsync(key));
        Assert.False(await store.RemoveIfMatchAsync(key, "token-1"));
    }

    [Fact]
    public async Task Long_and_non_ascii_tokens_compare_exactly()
    {
        await using var store = await Stores.ConnectAsync(Server);
        var key = TestKeys.NewKey();
        var longToken = new string('x', 3000);
        Assert.True(await store.SetAsync(key, longToken, TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));

        Assert.False(await store.RemoveIfMatchAsync(key, longToken + "y"));
        Assert.False(await store.RemoveIfMatchAsync(key, "jeton-é"));
        Assert.True(await store.RemoveIfMatchAsync(key, longToken));
    }

    [Fact]
    public async Task A_newer_token_stored_between_the_read_and_the_delete_survives()
    {
        await using var first = await Stores.ConnectAsync(Server);
        await using var second = await Stores.ConnectAsync(Server);
        var key = TestKeys.NewKey();
        Assert.True(await first.SetAsync(key, "token-old", TestKeys.Payload("old"), TimeSpan.FromMinutes(5)));

        // process 1 read the old token and is about to report its 401 ...
        Assert.Equal(TestKeys.Payload("old"), (await first.GetAsync(key))!.Payload.ToArray());
        // ... meanwhile process 2 already fetched and stored a new one
        Assert.True(await second.SetAsync(key, "token-new", TestKeys.Payload("new"), TimeSpan.FromMinutes(5)));

        Assert.False(await first.RemoveIfMatchAsync(key, "token-old"));
        Assert.Equal(TestKeys.Payload("new"), (await first.GetAsync(key))!.Payload.ToArray());
    }

    [Fact]
    public async Task The_broadcast_reaches_another_store_with_the_entry_name_and_that_tokens_hash_only()
    {
        await using var sender = await Stores.ConnectAsync(Server);
        await using var receiver = await Stores.ConnectAsync(Server);
        using var metrics = new MetricRecorder();
        var key = TestKeys.NewKey();
        var received = new TaskCompletionSource<TokenStoreInvalidation>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Invalidated += n =>
        {
            if (n.EntryName == key.EntryName)
            {
                received.TrySetResult(n);
            }
        };
        Assert.True(await sender.SetAsync(key, "token-1", TestKeys.Payload("one"), TimeSpan.FromMinutes(5)));

        Assert.True(await sender.RemoveIfMatchAsync(key, "token-1"));

        var notice = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(key.EntryName, notice.EntryName);
        Assert.True(key.IsToken(notice, "token-1"));
        Assert.False(key.IsToken(notice, "token-2"));
        Assert.False(TestKeys.NewKey(key.EntryName).IsToken(notice, "token-1"));   // another identity's key
        Assert.False(TestKeys.NewKey().IsToken(notice, "token-1"));                // another entry
        Assert.Equal(1, metrics["keystone.auth.store.invalidations|sent"]);
        Assert.DoesNotContain("token-1", notice.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remove_that_deletes_nothing_broadcasts_nothing()
    {
        await using var sender = await Stores.ConnectAsync(Server);
        await using var raw = await Stores.RawAsync(Server);
        var key = TestKeys.NewKey();
        var messages = 0;
        var channel = StackExchange.Redis.RedisChannel.Literal("keystone-auth:invalidated");
        await raw.GetSubscriber().SubscribeAsync(channel, (_, _) => Interlocked.Increment(ref messages));
        Assert.True(await sender.SetAsync(key, "token-new", TestKeys.Payload("new"), TimeSpan.FromMinutes(5)));

        Assert.False(await sender.RemoveIfMatchAsync(key, "token-old"));
        // A PING on the subscriber connection is answered after any message published before it.
        Assert.True(await sender.RemoveIfMatchAsync(key, "token-new"));
        var ordered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await raw.GetSubscriber().SubscribeAsync(StackExchange.Redis.RedisChannel.Literal("keystone-auth:probe-" + key.EntryName), (_, _) => ordered.TrySetResult());
        await raw.GetSubscriber().PublishAsync(StackExchange.Redis.RedisChannel.Literal("keystone-auth:probe-" + key.EntryName), "x");
        await ordered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Volatile.Read(ref messages));
    }
}
