namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// P separate OS processes x W workers against a real Keystone and a real
/// Redis (issue 12). Token POSTs are counted in Keystone's access log and
/// cross-checked with each worker's own wire count (both below the library);
/// failed calls are counted by the workers.
/// </summary>
/// <remarks>
/// The control test shows the fleet without the tier: P POSTs at start and P
/// after a key replacement. Every other test runs the same fleet on the shared
/// tier, where the whole fleet makes 1 and 1.
/// </remarks>
[Collection(FleetGroup.Name)]
public sealed partial class FleetTests(FleetFixture fx) : IAsyncLifetime
{
    private const int Processes = 4;
    private const int Workers = 8;
    private const string TokenPost = "POST /v3/auth/tokens";

    // Load phases, not waits for an outcome: every count is exact at the end,
    // and the reports prove each phase really had calls (and 401s) in it.
    private static readonly TimeSpan s_warm = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_afterRotation = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan s_breakerOpen = TimeSpan.FromSeconds(1);

    private readonly List<FleetProcess> _started = [];

    public async Task InitializeAsync()
    {
        // A test that failed during its outage may have left Redis stopped.
        try
        {
            await fx.Redis.FlushAsync();
        }
        catch (InvalidOperationException)
        {
            await fx.Redis.RestartAsync();
            await fx.Redis.FlushAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _started)
        {
            await process.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithoutTheTier_EveryProcessFetchesItsOwnToken_AtStartAndAfterAKeyReplacement()
    {
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), redis: null, Processes);
        await GoAsync(fleet);
        await MarkAsync(fleet);
        await fx.Server.InvalidateAllKeysAsync();
        await Task.Delay(s_afterRotation);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertNoFailedCall(reports);
        Assert.All(reports, r =>
        {
            Assert.False(r.SharedTier);
            Assert.True(r.AtMark!.Calls > 0 && r.Calls > r.AtMark.Calls, $"calls before and after the rotation: {r}");
            Assert.True(r.Unauthorized > r.AtMark.Unauthorized, $"this process never met the rotation: {r}");
            Assert.Equal(1, r.AtMark.TokenPosts);
            Assert.Equal(2, r.TokenPosts);
        });
        Assert.Equal(2 * Processes, posts);
        Assert.Equal(2 * Processes, reports.SelectMany(r => r.Tokens).Distinct().Count());
    }

    [Fact]
    public async Task ColdStart_TheWholeFleetMakesOneTokenPost()
    {
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(fleet);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertShared(reports);
        AssertNoFailedCall(reports);
        Assert.All(reports, r => Assert.True(r.Calls > 0, $"no calls: {r}"));
        Assert.Equal(1, posts);
        Assert.Single(reports.SelectMany(r => r.Tokens).Distinct());
        Assert.Single(await fx.Redis.EntryKeysAsync());
    }

    [Fact]
    public async Task FullKeyReplacementUnderLoad_OneExtraPostForTheFleet_NoFailedCall()
    {
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(fleet);
        await MarkAsync(fleet);
        await fx.Server.InvalidateAllKeysAsync();
        await Task.Delay(s_afterRotation);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertShared(reports);
        AssertNoFailedCall(reports);
        Assert.All(reports, r => Assert.True(r.AtMark!.Calls > 0 && r.Calls > r.AtMark.Calls, $"calls before and after the rotation: {r}"));
        Assert.True(reports.Sum(r => r.Unauthorized - r.AtMark!.Unauthorized) > 0, "nobody met the rotation");
        Assert.Equal(1, reports.Sum(r => r.AtMark!.TokenPosts));
        Assert.Equal(2, posts);
        Assert.Equal(2, reports.SelectMany(r => r.Tokens).Distinct().Count());
    }

    [Fact]
    public async Task RedisKilledMidRun_NoFailedCall_AtMostOnePostPerProcess_AndSharingResumesWhenItReturns()
    {
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes, s_breakerOpen);
        await GoAsync(fleet);

        // Redis dies under load, then every token dies too: each process is on its own.
        await fx.Redis.StopAsync();
        await MarkAsync(fleet);
        var atOutage = fx.Server.CountLogLines(TokenPost);
        await fx.Server.InvalidateAllKeysAsync();
        await Task.Delay(s_afterRotation);

        // Redis is back (empty, same port): once every process has reconnected
        // and its breaker may probe again, a rotation costs the fleet one POST.
        await fx.Redis.RestartAsync();
        await WaitForReconnectAsync(Processes);
        await Task.Delay(s_breakerOpen * 2);
        var afterRestart = fx.Server.CountLogLines(TokenPost);
        await fx.Server.InvalidateAllKeysAsync();
        await Task.Delay(s_afterRotation);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertShared(reports);
        AssertNoFailedCall(reports);
        Assert.Equal(1, atOutage - before);
        Assert.InRange(afterRestart - atOutage, 1, Processes);

        // Sharing resumes: fewer POSTs than processes for the rotation after the
        // restart (without the tier it would be one per process). Not exactly 1:
        // a process whose breaker re-opened while Redis came back probes again
        // only after BreakerOpenDuration, and fetches alone meanwhile (seen once
        // in six clean runs: 2).
        Assert.InRange(before + posts - afterRestart, 1, Processes - 1);
    }

    [Fact]
    public async Task TamperedEntry_IsIgnored_AndTheFleetMakesOnePost()
    {
        var first = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(first);
        var warm = await StopAsync(first);
        var key = Assert.Single(await fx.Redis.EntryKeysAsync());

        const string Garbage = "not-an-entry-0000000000000000000000000000000000000000";
        await fx.Redis.OverwriteAsync(key, Garbage);

        // Fresh processes: nothing in-process, so each reads the damaged entry.
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(fleet);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertShared(reports);
        AssertNoFailedCall(reports);
        Assert.Equal(1, posts);
        var token = Assert.Single(reports.SelectMany(r => r.Tokens).Distinct());
        Assert.DoesNotContain(token, warm.SelectMany(r => r.Tokens));
        Assert.NotEqual(Garbage, await fx.Redis.GetAsync(key));
    }

    [Fact]
    public async Task DeadTokenLeftInRedis_ByARotationWhileNoProcessRan_CostsOnePost_AndNoFailedCall()
    {
        var first = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(first);
        await StopAsync(first);
        Assert.Single(await fx.Redis.EntryKeysAsync());

        // The fleet is down while every key is replaced: Redis keeps a dead token
        // (its TTL is the token's life, not the keys'). The next fleet meets it
        // at start and again at the next rotation.
        await fx.Server.InvalidateAllKeysAsync();
        var before = fx.Server.CountLogLines(TokenPost);
        var fleet = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes);
        await GoAsync(fleet);
        await MarkAsync(fleet);
        await fx.Server.InvalidateAllKeysAsync();
        await Task.Delay(s_afterRotation);
        var reports = await StopAsync(fleet);

        var posts = await PostsAtKeystoneAsync(before, reports);
        AssertShared(reports);
        AssertNoFailedCall(reports);
        Assert.Equal(1, reports.Sum(r => r.AtMark!.TokenPosts));
        Assert.Equal(2, posts);
    }

    [Fact]
    public async Task TwoIdentities_NeverShareAnEntry()
    {
        var before = fx.Server.CountLogLines(TokenPost);
        var alice = await StartAsync(fx.Alice(), fx.Redis.Configuration, Processes / 2);
        var bob = await StartAsync(fx.Bob(), fx.Redis.Configuration, Processes / 2);
        await GoAsync([.. alice, .. bob]);
        var aliceReports = await StopAsync(alice);
        var bobReports = await StopAsync(bob);

        var posts = await PostsAtKeystoneAsync(before, [.. aliceReports, .. bobReports]);
        AssertShared([.. aliceReports, .. bobReports]);
        AssertNoFailedCall([.. aliceReports, .. bobReports]);
        Assert.Equal(2, posts);
        var aliceToken = Assert.Single(aliceReports.SelectMany(r => r.Tokens).Distinct());
        var bobToken = Assert.Single(bobReports.SelectMany(r => r.Tokens).Distinct());
        Assert.NotEqual(aliceToken, bobToken);
        var aliceUser = Assert.Single(aliceReports.Select(r => r.UserId).Distinct());
        var bobUser = Assert.Single(bobReports.Select(r => r.UserId).Distinct());
        Assert.NotNull(aliceUser);
        Assert.NotEqual(aliceUser, bobUser);
        Assert.Equal(2, (await fx.Redis.EntryKeysAsync()).Count);
    }
}
