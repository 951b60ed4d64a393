using Keystone.Auth.Caching;

namespace Keystone.Auth.Fleet;

/// <summary>
/// What a dcmanager port keeps per subcloud: its own HttpClient (so its own
/// connection pool, from the library's transport), a password plugin on the
/// subcloud's Keystone address, the process-wide token cache and a session.
/// When the subcloud's management address changes, the port builds a new one
/// from the new address and disposes this one, as a port would on a
/// subcloud update.
/// </summary>
internal sealed class AuditClient : IDisposable
{
    private static readonly string[] Paths = ["isystems", "ihosts", "service_groups", "certificates", "kube_versions"];
    private readonly HttpClient _http;
    private readonly KeystoneSession _session;
    private readonly EndpointFilter _platform;
    private readonly FleetPorts _ports;

    public AuditClient(int subcloud, bool moved, FleetPorts ports, FleetOptions options, TokenCache cache, TimeProvider clock)
    {
        Subcloud = subcloud;
        Moved = moved;
        _ports = ports;
        _http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions
        {
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
        }));
        var password = new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = FleetAddresses.AuthUrl(subcloud, moved, ports),
            Username = "dcmanager",
            UserDomainName = "Default",
            Password = "fleet-password",
            ProjectName = "services",
            ProjectDomainName = "Default",
        }, _http, logger: null, timeProvider: clock);
        _session = new KeystoneSession(new CachingPasswordAuth(password, cache), _http, options: null, logger: null, timeProvider: clock);
        _platform = new EndpointFilter("platform", EndpointInterface.Admin, FleetAddresses.Region(subcloud));
    }

    public int Subcloud { get; }
    public bool Moved { get; }

    /// <summary>One platform GET through the session (catalog lookup, token, 401 handling); throws the library's typed errors.</summary>
    public async Task CallAsync(int n, CancellationToken cancellationToken)
    {
        using var response = await _session.GetAsync(Paths[n % Paths.Length], _platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The same GET on the same connection pool without the session: the
    /// cached token set by hand on an absolute URL. The baseline for the
    /// latency the library adds.
    /// </summary>
    public async Task RawCallAsync(int n, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FleetAddresses.PlatformUrl(Subcloud, Moved, _ports) + "/" + Paths[n % Paths.Length]);
        request.Headers.Add("X-Auth-Token", token);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cached token (a cache hit after the day).</summary>
    public async Task<string> TokenAsync(CancellationToken cancellationToken) =>
        (await _session.GetAccessAsync(cancellationToken).ConfigureAwait(false)).Token;

    public void Dispose()
    {
        _session.Dispose();
        _http.Dispose();
    }
}
