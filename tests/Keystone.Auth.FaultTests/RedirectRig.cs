using System.Collections.Concurrent;
using Keystone.Auth.Caching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.FaultTests;

/// <summary>Every way a caller can put the library in front of a service (issue 10 item 1).</summary>
public enum ClientSetup
{
    /// <summary>KeystoneSession over <c>new HttpClient()</c>: its handler follows redirects before the library sees them.</summary>
    SessionOverNewHttpClient,

    /// <summary>KeystoneSession over <c>KeystoneTransport.CreateHandler</c>.</summary>
    SessionOverKeystoneTransport,

    /// <summary>An HttpClient over KeystoneAuthHandler over a plain <c>new SocketsHttpHandler()</c>.</summary>
    HandlerOverSocketsHttpHandler,

    /// <summary><c>AddHttpClient().AddKeystoneAuthHandler().UseKeystoneTransport()</c>.</summary>
    DiUseKeystoneTransport,

    /// <summary><c>AddHttpClient().AddKeystoneAuthHandler()</c> over the factory's default primary handler.</summary>
    DiDefaultPrimary,
}

/// <summary>
/// A home <see cref="FaultServer"/> (Keystone and the catalog's services) and a
/// foreign one on another port, i.e. another origin, with one client set up
/// as <see cref="ClientSetup"/> says. Everything is counted at the two servers.
/// </summary>
public sealed class RedirectRig : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private Func<HttpRequestMessage, Task<HttpResponseMessage>> _send = null!;

    private RedirectRig(FaultServer home, FaultServer foreign)
    {
        Home = home;
        Foreign = foreign;
    }

    public FaultServer Home { get; }

    public FaultServer Foreign { get; }

    public IAuthPlugin Auth { get; private set; } = null!;

    public Warnings Logs { get; } = new();

    public static async Task<RedirectRig> StartAsync(ClientSetup setup, Action<KeystoneSessionOptions>? configure = null)
    {
        var rig = new RedirectRig(await FaultServer.StartAsync(), await FaultServer.StartAsync());
        void Configure(KeystoneSessionOptions o)
        {
            o.RaiseOnError = false;
            configure?.Invoke(o);
        }

        if (setup is ClientSetup.DiUseKeystoneTransport or ClientSetup.DiDefaultPrimary)
        {
            rig.BuildContainer(setup == ClientSetup.DiUseKeystoneTransport, Configure);
        }
        else
        {
            var options = new KeystoneSessionOptions();
            Configure(options);
            rig.BuildDirect(setup, options);
        }

        return rig;
    }

    /// <summary>Sends <paramref name="request"/> (relative: the catalog's compute endpoint, <c>/svc</c> at home).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _send(request);

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)));

    /// <summary>An absolute URL on the home server for a Location header.</summary>
    public string HomeUrl(string path) => Home.BaseUri + path.TrimStart('/');

    /// <summary>An absolute URL on the foreign server for a Location header.</summary>
    public string ForeignUrl(string path) => Foreign.BaseUri + path.TrimStart('/');

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        await Home.DisposeAsync();
        await Foreign.DisposeAsync();
    }

    private PasswordAuthOptions Credentials(PasswordAuthOptions o)
    {
        o.AuthUrl = Home.AuthUrl;
        o.Username = "dcmanager";
        o.UserDomainName = "Default";
        o.Password = Harness.Password;
        o.ProjectName = "services";
        o.ProjectDomainName = "Default";
        return o;
    }

    private void BuildDirect(ClientSetup setup, KeystoneSessionOptions options)
    {
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        _owned.Add(loggers);
        var authHttp = Own(new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions())));
        Auth = new CachingPasswordAuth(new PasswordAuth(Credentials(new PasswordAuthOptions()), authHttp), new TokenCache());
        switch (setup)
        {
            case ClientSetup.SessionOverNewHttpClient:
            case ClientSetup.SessionOverKeystoneTransport:
                var http = Own(setup == ClientSetup.SessionOverNewHttpClient
                    ? new HttpClient()
                    : new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions())));
                var session = Own(new KeystoneSession(Auth, http, options, loggers.CreateLogger<KeystoneSession>()));
                _send = request => session.SendAsync(request, Harness.Compute);
                break;
            default:
                var handler = new KeystoneAuthHandler(Auth, Harness.Compute, options, loggers.CreateLogger<KeystoneAuthHandler>())
                {
                    InnerHandler = new SocketsHttpHandler(),
                };
                var client = Own(new HttpClient(handler) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress });
                _send = request => client.SendAsync(request);
                break;
        }
    }

    private void BuildContainer(bool useKeystoneTransport, Action<KeystoneSessionOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddKeystoneAuth(o => Credentials(o)).AddTokenCaching();
        var client = services.AddHttpClient("svc").AddKeystoneAuthHandler(Harness.Compute, configureSession: configure);
        if (useKeystoneTransport)
        {
            client.UseKeystoneTransport();
        }

        var provider = services.BuildServiceProvider();
        _owned.Add(provider);
        Auth = provider.GetRequiredService<IAuthPlugin>();
        var http = Own(provider.GetRequiredService<IHttpClientFactory>().CreateClient("svc"));
        _send = request => http.SendAsync(request);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Keeps the event id and text of every warning, for "a warning was logged" checks.</summary>
    public sealed class Warnings : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int EventId, string Message)> _entries = new();

        public IReadOnlyList<(int EventId, string Message)> Entries => _entries.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(Warnings owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner._entries.Enqueue((eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}
