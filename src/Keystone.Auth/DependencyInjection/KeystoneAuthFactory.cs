using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Keystone.Auth.Diagnostics;
using Keystone.Auth.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.DependencyInjection;

/// <summary>
/// The DI implementation of <see cref="IKeystoneAuthFactory"/>. Named plugins
/// are made once and kept: a plugin is what a token cache slot and its single
/// flight hang on. Run-time identities are made per call; their tokens are
/// shared through the cache by cache id, not by plugin instance.
/// </summary>
internal sealed class KeystoneAuthFactory : IKeystoneAuthFactory
{
    private readonly IServiceProvider _services;
    private readonly IHttpClientFactory _httpClients;
    private readonly IOptionsMonitor<KeystoneAuthOptions> _settings;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly TokenMetrics _tokenMetrics;
    private readonly ConcurrentDictionary<string, Lazy<IAuthPlugin>> _named = new(StringComparer.Ordinal);

    public KeystoneAuthFactory(IServiceProvider services, IHttpClientFactory httpClients, IOptionsMonitor<KeystoneAuthOptions> settings)
    {
        _services = services;
        _httpClients = httpClients;
        _settings = settings;
        _loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _tokenMetrics = TokenMetrics.For(services.GetService<IMeterFactory>());
    }

    public IAuthPlugin GetAuth(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lazy = _named.GetOrAdd(name, static (n, self) => new Lazy<IAuthPlugin>(() => self.Build(n)), this);
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Not cached: a later call (e.g. after the configuration is fixed) tries again.
            _named.TryRemove(new KeyValuePair<string, Lazy<IAuthPlugin>>(name, lazy));
            throw;
        }
    }

    public KeystoneSession CreateSession(string name, KeystoneSessionOptions? sessionOptions = null)
    {
        var auth = GetAuth(name);
        var settings = _settings.Get(name);
        return NewSession(auth, settings, sessionOptions ?? settings.SessionFor(_services, name));
    }

    public IAuthPlugin CreateAuth(PasswordAuthOptions options) => CreateAuth((AuthPluginOptions)options);

    public KeystoneSession CreateSession(PasswordAuthOptions options, KeystoneSessionOptions? sessionOptions = null) =>
        CreateSession((AuthPluginOptions)options, sessionOptions);

    public IAuthPlugin CreateAuth(AuthPluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Compose(AuthTypes.For(options.GetType()), options, _settings.Get(Options.DefaultName));
    }

    public KeystoneSession CreateSession(AuthPluginOptions options, KeystoneSessionOptions? sessionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = _settings.Get(Options.DefaultName);
        var auth = Compose(AuthTypes.For(options.GetType()), options, settings);
        if (sessionOptions is null && settings.Session.EndpointOverride is null && options.DefaultEndpoint is { } endpoint)
        {
            // No catalog (a fixed token): relative URLs go to the options' own endpoint.
            sessionOptions = settings.Session.Clone();
            sessionOptions.EndpointOverride = endpoint;
        }

        return NewSession(auth, settings, sessionOptions);
    }

    private IAuthPlugin Build(string name)
    {
        var settings = _settings.Get(name);
        if (settings.Method is not { } method)
        {
            throw new InvalidOperationException(
                $"No Keystone identity named '{name}' is registered; call services.AddKeystoneAuth({(name.Length == 0 ? string.Empty : "\"" + name + "\", ")}...) first.");
        }

        return Compose(method, method.GetNamedOptions(_services, name), settings);
    }

    private IAuthPlugin Compose(AuthType method, AuthPluginOptions credentials, KeystoneAuthOptions settings)
    {
        var auth = method.CreatePlugin(credentials, _httpClients.CreateClient(settings.HttpClientName), _loggers, _time);
        if (auth is ITokenEndpointOwner owner)
        {
            owner.Endpoint.Metrics = _tokenMetrics;
        }

        foreach (var decorate in settings.AuthDecorators)
        {
            auth = decorate(_services, auth) ?? throw new InvalidOperationException("A KeystoneAuthOptions.AuthDecorators entry returned null.");
        }

        return auth;
    }

    private KeystoneSession NewSession(IAuthPlugin auth, KeystoneAuthOptions settings, KeystoneSessionOptions? sessionOptions) =>
        new KeystoneSession(auth, _httpClients.CreateClient(settings.HttpClientName), sessionOptions ?? settings.Session, _loggers.CreateLogger<KeystoneSession>(), _time)
            .UseMetrics(_tokenMetrics);

    /// <summary>The container's token and send instruments (on its IMeterFactory when there is one).</summary>
    internal TokenMetrics Metrics => _tokenMetrics;
}
