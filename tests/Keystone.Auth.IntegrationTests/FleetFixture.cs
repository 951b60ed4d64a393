namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// For the fleet tests: their own real Keystone (so that replacing its keys
/// disturbs no other collection), seeded with alice and bob, a real Redis,
/// and the worker program (samples/SubcloudAudit in --worker mode).
/// Fails, never skips, when any of them cannot be had.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private KeystoneServer? _server;
    private FleetRedis? _redis;
    private HttpClient? _adminHttp;

    internal KeystoneServer Server => _server ?? throw new InvalidOperationException("not started");

    internal FleetRedis Redis => _redis ?? throw new InvalidOperationException("not started");

    internal string WorkerDll { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // The worker build (only when missing or stale) runs while the servers start.
        var worker = FleetWorkerBuild.EnsureAsync();
        _redis = await FleetRedis.StartNewAsync();
        _server = await KeystoneServer.StartNewAsync("fleet");
        _adminHttp = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout }) { Timeout = TimeSpan.FromSeconds(60) };
        await new AdminApi(_server.AuthUrl, _adminHttp).SeedAsync();
        WorkerDll = await worker;
    }

    public async Task DisposeAsync()
    {
        _adminHttp?.Dispose();
        try
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
        finally
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    public PasswordAuthOptions Alice() => new()
    {
        AuthUrl = Server.AuthUrl, Username = SeedData.AliceName, UserDomainName = "Default", Password = SeedData.AlicePassword,
        ProjectName = SeedData.AlphaName, ProjectDomainName = "Default",
    };

    public PasswordAuthOptions Bob() => new()
    {
        AuthUrl = Server.AuthUrl, Username = SeedData.BobName, UserDomainName = "Default", Password = SeedData.BobPassword,
        ProjectName = SeedData.BetaName, ProjectDomainName = "Default",
    };
}

[CollectionDefinition(Name)]
public sealed class FleetGroup : ICollectionFixture<FleetFixture>
{
    public const string Name = "Fleet (Keystone + Redis, many processes)";
}
