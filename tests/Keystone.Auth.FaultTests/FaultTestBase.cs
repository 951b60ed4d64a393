using System.Net;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Each test gets its own <see cref="FaultServer"/> (xunit makes one instance of
/// the class per test), so scripts and counters never leak between tests.
/// </summary>
public abstract class FaultTestBase : IAsyncLifetime
{
    /// <summary>Upper bound for any single await in a test, so a regression hangs no CI job.</summary>
    protected static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    protected FaultServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FaultServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>
    /// After a failed token fetch: the next call makes exactly one new token
    /// POST, returns the token the server just issued, and that token works;
    /// the call after that is a cache hit. So the failure left nothing behind.
    /// </summary>
    protected async Task AssertNothingCachedAsync(Harness client)
    {
        var before = Server.TokenPosts;
        using (var ok = await client.Session.GetAsync("/after-failure", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(before + 1, Server.TokenPosts);
        var access = await client.Caching.GetAccessAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(Server.IssuedTokens.Last(), access.Token);
        Assert.Equal(before + 1, Server.TokenPosts);
    }

    /// <summary>After a failed service call: the good token is still cached (no new POST) and still works.</summary>
    protected async Task AssertTokenKeptAsync(Harness client, int expectedPosts = 1)
    {
        using (var ok = await client.Session.GetAsync("/after-failure", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(expectedPosts, Server.TokenPosts);
    }
}
