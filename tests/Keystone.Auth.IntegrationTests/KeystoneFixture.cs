[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// One real Keystone for the whole "Keystone" collection, seeded with two
/// extra users in Default (each with its own project and the member role), a
/// domain with a third user and project, and a domain-scoped role
/// assignment. Construction fails with the scripts' stderr when the server
/// cannot be installed, set up or started: the tests then fail, never skip.
/// </summary>
public sealed class KeystoneFixture : IAsyncLifetime
{
    private KeystoneServer? _server;
    private HttpClient? _adminHttp;

    internal KeystoneServer Server => _server ?? throw new InvalidOperationException("not started");

    internal AdminApi Admin { get; private set; } = null!;

    internal SeedData Seed { get; private set; } = null!;

    public string AuthUrl => Server.AuthUrl;

    public async Task InitializeAsync()
    {
        _server = await KeystoneServer.StartNewAsync("main");
        _adminHttp = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout }) { Timeout = TimeSpan.FromSeconds(60) };
        Admin = new AdminApi(_server.AuthUrl, _adminHttp);
        Seed = await Admin.SeedAsync();
    }

    public async Task DisposeAsync()
    {
        _adminHttp?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public PasswordAuthOptions Alice() => new()
    {
        AuthUrl = AuthUrl, Username = SeedData.AliceName, UserDomainName = "Default", Password = SeedData.AlicePassword,
        ProjectName = SeedData.AlphaName, ProjectDomainName = "Default",
    };

    public PasswordAuthOptions Bob() => new()
    {
        AuthUrl = AuthUrl, Username = SeedData.BobName, UserDomainName = "Default", Password = SeedData.BobPassword,
        ProjectName = SeedData.BetaName, ProjectDomainName = "Default",
    };

    /// <summary>Alice with no scope in the request: Keystone then scopes to her default project (unless Unscoped is set).</summary>
    public PasswordAuthOptions AliceWithoutScope()
    {
        var options = Alice();
        options.ProjectName = null;
        options.ProjectDomainName = null;
        return options;
    }
}

[CollectionDefinition(Name)]
public sealed class KeystoneGroup : ICollectionFixture<KeystoneFixture>
{
    public const string Name = "Keystone";
}

/// <summary>
/// A second, separate Keystone (own directory) for the test that stops and
/// restarts its server, so the shared one is never disturbed.
/// </summary>
public sealed class RestartableKeystoneFixture : IAsyncLifetime
{
    private KeystoneServer? _server;

    internal KeystoneServer Server => _server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _server = await KeystoneServer.StartNewAsync("restart");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RestartableKeystoneGroup : ICollectionFixture<RestartableKeystoneFixture>
{
    public const string Name = "Keystone (restarted)";
}
