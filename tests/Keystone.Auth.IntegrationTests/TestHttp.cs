namespace Keystone.Auth.IntegrationTests;

/// <summary>HttpClients for the tests: sockets at the bottom, a counter just above them.</summary>
internal static class TestHttp
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>GET this (relative to the identity endpoint) to make an authenticated call any token may make.</summary>
    public const string AuthenticatedPath = "/auth/projects";

    public static readonly EndpointFilter Identity = new("identity", EndpointInterface.Public, "RegionOne");

    public static HttpClient Create(out CountingHandler counter, TimeSpan? connectTimeout = null)
    {
        var sockets = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout ?? DefaultConnectTimeout,
            // uwsgi (--http-socket, 2 single-threaded workers, listen 100) closes
            // every connection after its response; hundreds of simultaneous
            // connects would overflow its accept queue. Queue them here instead.
            MaxConnectionsPerServer = 32,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        };
        counter = new CountingHandler(sockets);
        return new HttpClient(counter) { Timeout = TimeSpan.FromSeconds(60) };
    }
}
