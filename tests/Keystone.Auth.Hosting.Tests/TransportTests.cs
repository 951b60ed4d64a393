using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// The recommended transport against a real TLS server on 127.0.0.1 with a CA,
/// server and client certificates made in the test.
/// </summary>
public sealed class TransportTests : IAsyncLifetime, IDisposable
{
    private readonly TestCa _ca = TestCa.Create("Keystone.Auth test root CA");
    private readonly TestCa _otherCa = TestCa.Create("Some other CA");
    private readonly string _dir = Directory.CreateTempSubdirectory("ks-transport-").FullName;
    private X509Certificate2? _serverCertificate;
    private TlsServer? _server;

    private TlsServer Server => _server!;

    public async Task InitializeAsync()
    {
        _serverCertificate = _ca.Issue("127.0.0.1", server: true);
        _server = await TlsServer.StartAsync(_serverCertificate);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _serverCertificate?.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Server_certificate_is_accepted_when_it_chains_to_the_CA_bundle()
    {
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions { CaCertificatesPath = _ca.WritePem(Path.Combine(_dir, "ca.pem")) }));

        Assert.Equal("none", await http.GetStringAsync(Server.Address));
    }

    [Fact]
    public async Task Without_the_bundle_the_system_trust_rejects_the_test_CA()
    {
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions()));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(Server.Address));
        Assert.IsAssignableFrom<AuthenticationException>(ex.InnerException);
    }

    [Fact]
    public async Task Bundle_with_another_CA_is_rejected_until_the_file_is_replaced_then_reloaded()
    {
        var bundle = _otherCa.WritePem(Path.Combine(_dir, "ca.pem"));
        var logs = new CapturingLoggerProvider();
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions { CaCertificatesPath = bundle }, logs.CreateLogger("t")));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(Server.Address));
        Assert.IsAssignableFrom<AuthenticationException>(ex.InnerException);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("does not chain to a CA", StringComparison.Ordinal));

        // The operator renews the bundle in place; the same handler picks it up
        // on its next connection. (Explicit mtime: two PEMs can have one length.)
        _ca.WritePem(bundle);
        File.SetLastWriteTimeUtc(bundle, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal("none", await http.GetStringAsync(Server.Address));
    }

    [Fact]
    public async Task Host_name_must_still_match_with_a_custom_bundle()
    {
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions { CaCertificatesPath = _ca.WritePem(Path.Combine(_dir, "ca.pem")) }));
        var byName = new UriBuilder(Server.Address) { Host = "localhost" }.Uri;

        // The certificate is for 127.0.0.1 only.
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(byName));
        Assert.IsAssignableFrom<AuthenticationException>(ex.InnerException);
    }

    [Fact]
    public async Task Insecure_accepts_any_certificate_and_says_so_in_the_log()
    {
        var logs = new CapturingLoggerProvider();
        using var http = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions { Insecure = true }, logs.CreateLogger("t")));

        Assert.Equal("none", await http.GetStringAsync(Server.Address));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("TLS certificate validation is DISABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_certificate_from_PEM_cert_and_key_files_is_presented()
    {
        using var client = _ca.Issue("dcmanager-client", server: false);
        var certPath = Path.Combine(_dir, "client.pem");
        var keyPath = Path.Combine(_dir, "client.key");
        File.WriteAllText(certPath, client.ExportCertificatePem());
        File.WriteAllText(keyPath, client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var options = KeystoneTransportOptions.FromEnvironment(n => n switch
        {
            "OS_CACERT" => _ca.WritePem(Path.Combine(_dir, "ca.pem")),
            "OS_CERT" => certPath,
            "OS_KEY" => keyPath,
            _ => null,
        });
        using var http = new HttpClient(KeystoneTransport.CreateHandler(options));

        Assert.Equal("CN=dcmanager-client", await http.GetStringAsync(Server.Address));
    }

    [Fact]
    public async Task DI_token_requests_use_OS_CACERT_and_fail_typed_without_it()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = new Uri(Server.Address, "/v3").AbsoluteUri,
            ["OS_USER_ID"] = "u-1",
            ["OS_PASSWORD"] = Fixtures.Password,
            ["OS_CACERT"] = _ca.WritePem(Path.Combine(_dir, "ca.pem")),
        };
        var services = new ServiceCollection();
        services.AddKeystoneAuthFromEnvironment(getVariable: n => env.GetValueOrDefault(n));
        services.AddKeystoneAuth("untrusting", o =>
        {
            o.AuthUrl = env["OS_AUTH_URL"];
            o.UserId = "u-1";
            o.Password = Fixtures.Password;
        }).Configure(o => o.HttpClientName = "plain");
        services.AddHttpClient("plain");
        await using var provider = services.BuildServiceProvider();

        var access = await provider.GetRequiredService<IAuthPlugin>().GetAccessAsync();
        Assert.Equal("tok-tls", access.Token);

        var ex = await Assert.ThrowsAsync<TlsFailureException>(async () => await provider.GetRequiredService<IKeystoneAuthFactory>().GetAuth("untrusting").GetAccessAsync());
        Assert.DoesNotContain(Fixtures.Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_carries_the_timeouts_and_pool_limits()
    {
        using var handler = KeystoneTransport.CreateHandler(new KeystoneTransportOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            MaxConnectionsPerServer = 3,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(20),
        });

        Assert.Equal(TimeSpan.FromSeconds(2), handler.ConnectTimeout);
        Assert.Equal(3, handler.MaxConnectionsPerServer);
        Assert.Equal(TimeSpan.FromMinutes(1), handler.PooledConnectionLifetime);
        Assert.Equal(TimeSpan.FromSeconds(20), handler.PooledConnectionIdleTimeout);
        Assert.Null(handler.SslOptions.RemoteCertificateValidationCallback);
    }

    [Fact]
    public void Invalid_transport_options_fail_naming_each_option()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => KeystoneTransport.CreateHandler(new KeystoneTransportOptions
        {
            ConnectTimeout = TimeSpan.Zero,
            MaxConnectionsPerServer = 0,
            ClientKeyPath = "/tmp/key.pem",
        }));

        Assert.Contains("ConnectTimeout must be positive", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConnectionsPerServer must be at least 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClientKeyPath (OS_KEY) requires ClientCertificatePath (OS_CERT)", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("yes", true)]
    [InlineData("0", false)]
    [InlineData(null, false)]
    public void OS_INSECURE_is_read_as_a_switch(string? value, bool expected)
    {
        Assert.Equal(expected, KeystoneTransportOptions.FromEnvironment(n => n == "OS_INSECURE" ? value : null).Insecure);
    }
}
