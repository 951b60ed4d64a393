using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>Compare-and-remove: a rejected token is dropped only while it is still the cached one.</summary>
public sealed class InvalidationTests
{
    [Fact]
    public async Task A_late_invalidate_of_an_old_token_does_not_evict_the_newer_one()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        var tok1 = await auth.GetAccessAsync();

        Assert.True(auth.Invalidate(tok1));
        var tok2 = await auth.GetAccessAsync();
        Assert.Equal("tok-2", tok2.Token);

        // A 401 for tok-1 that arrives late must leave tok-2 alone.
        Assert.True(auth.Invalidate(tok1));
        var after = auth.GetAccessAsync();
        Assert.True(after.IsCompletedSuccessfully);
        Assert.Same(tok2, await after);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task Invalidating_through_another_instance_of_the_same_identity_drops_the_shared_entry()
    {
        using var h = new CacheHarness();
        var a = h.Auth();
        var b = h.Auth();
        var tok1 = await a.GetAccessAsync();
        Assert.Same(tok1, await b.GetAccessAsync());

        b.Invalidate(tok1);

        Assert.Equal("tok-2", (await a.GetAccessAsync()).Token);
        Assert.Equal(2, h.Server.Posts);
    }

    [Fact]
    public async Task An_equal_token_string_in_another_instance_counts_as_the_cached_token()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        var tok1 = await auth.GetAccessAsync();
        var copy = new AccessInfo { Token = tok1.Token, ExpiresAt = tok1.ExpiresAt };

        auth.Invalidate(copy);

        Assert.Equal("tok-2", (await auth.GetAccessAsync()).Token);
    }

    [Fact]
    public async Task A_100_concurrent_401_reporters_with_the_same_old_token_cause_exactly_one_new_post()
    {
        const int Reporters = 100;
        using var h = new CacheHarness();
        var auth = h.Auth();
        var old = await auth.GetAccessAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reporters = Enumerable.Range(0, Reporters).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            auth.Invalidate(old);
            return await auth.GetAccessAsync();
        })).ToArray();

        start.SetResult();
        var fresh = await Task.WhenAll(reporters).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, h.Server.Posts);
        Assert.All(fresh, f => Assert.Equal("tok-2", f.Token));
    }

    [Fact]
    public async Task A_100_concurrent_401_reporters_share_one_held_replacement_request()
    {
        const int Reporters = 100;
        using var h = new CacheHarness();
        var auth = h.Auth();
        var old = await auth.GetAccessAsync();
        h.Server.HoldPosts();
        var reporters = Enumerable.Range(0, Reporters).Select(_ => Task.Run(async () =>
        {
            auth.Invalidate(old);
            return await auth.GetAccessAsync();
        })).ToArray();
        var allQueued = await Wait.UntilAsync(() => h.Waiters(auth) == Reporters);
        h.Server.Release();
        var fresh = await Task.WhenAll(reporters).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(allQueued);
        Assert.Equal(2, h.Server.Posts);
        Assert.All(fresh, f => Assert.Same(fresh[0], f));
    }

    [Fact]
    public async Task Invalidate_while_the_replacement_is_in_flight_does_not_start_a_second_post()
    {
        using var h = new CacheHarness();
        var auth = h.Auth();
        var old = await auth.GetAccessAsync();
        auth.Invalidate(old);
        h.Server.HoldPosts();
        var first = Task.Run(async () => await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 1));

        auth.Invalidate(old);
        var second = Task.Run(async () => await auth.GetAccessAsync());
        Assert.True(await Wait.UntilAsync(() => h.Waiters(auth) == 2));
        h.Server.Release();

        Assert.Same(await first, await second);
        Assert.Equal(2, h.Server.Posts);
    }
}
