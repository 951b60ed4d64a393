using Keystone.Auth;
using Keystone.Auth.Http;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keystone authentication and transport for clients made by <see cref="IHttpClientFactory"/>.</summary>
public static class KeystoneHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="KeystoneAuthHandler"/>: every request gets the identity's
    /// token, relative URLs go to the catalog endpoint <paramref name="endpointFilter"/>
    /// selects (or the session's endpoint override), and a rejected token is
    /// dropped and the request resent once. Sets <see cref="HttpClient.BaseAddress"/>
    /// to <see cref="KeystoneAuthHandler.CatalogBaseAddress"/> when the client has none,
    /// so relative URLs are accepted.
    /// </summary>
    /// <param name="builder">The client's builder.</param>
    /// <param name="endpointFilter">The catalog endpoint of relative requests; per request, <see cref="KeystoneRequestOptions.EndpointFilter"/> wins.</param>
    /// <param name="identityName">The identity registered with <c>AddKeystoneAuth</c>; the default one when null.</param>
    /// <param name="configureSession">Adjusts a copy of the identity's <see cref="KeystoneAuthOptions.Session"/> for this client.</param>
    public static IHttpClientBuilder AddKeystoneAuthHandler(this IHttpClientBuilder builder, EndpointFilter? endpointFilter = null, string? identityName = null, Action<KeystoneSessionOptions>? configureSession = null) =>
        AddHandler(builder, _ => endpointFilter, identityName, configureSession);

    /// <summary>
    /// Like the <see cref="EndpointFilter"/> overload, with the filter made from the
    /// identity's endpoint defaults (<see cref="KeystoneAuthOptions.RegionName"/>,
    /// <see cref="KeystoneAuthOptions.Interface"/>, i.e. <c>OS_REGION_NAME</c> and
    /// <c>OS_INTERFACE</c>) for <paramref name="serviceType"/>.
    /// </summary>
    public static IHttpClientBuilder AddKeystoneAuthHandler(this IHttpClientBuilder builder, string serviceType, string? identityName = null, Action<KeystoneSessionOptions>? configureSession = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceType);
        return AddHandler(builder, settings => settings.CreateEndpointFilter(serviceType), identityName, configureSession);
    }

    /// <summary>
    /// Uses the recommended transport (<see cref="KeystoneTransport.CreateHandler"/>
    /// with the registered <see cref="KeystoneTransportOptions"/>) as the client's
    /// primary handler, kept for the life of the process: the handler's own
    /// <see cref="KeystoneTransportOptions.PooledConnectionLifetime"/> already renews
    /// connections, and rotating handlers would only drop the pool.
    /// </summary>
    public static IHttpClientBuilder UseKeystoneTransport(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        KeystoneAuthServiceCollectionExtensions.AddCore(builder.Services);
        RedactTokenHeaders(builder);
        return builder
            .ConfigurePrimaryHttpMessageHandler(sp => KeystoneTransport.CreateHandler(
                sp.GetRequiredService<IOptions<KeystoneTransportOptions>>().Value,
                sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(KeystoneTransport))))
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<KeystoneTransportOptions>>().Value.RequestTimeout)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    private static IHttpClientBuilder AddHandler(IHttpClientBuilder builder, Func<KeystoneAuthOptions, EndpointFilter?> filter, string? identityName, Action<KeystoneSessionOptions>? configureSession)
    {
        ArgumentNullException.ThrowIfNull(builder);
        KeystoneAuthServiceCollectionExtensions.AddCore(builder.Services);
        var name = identityName ?? Options.Options.DefaultName;
        RedactTokenHeaders(builder);
        builder.ConfigureHttpClient(client => client.BaseAddress ??= KeystoneAuthHandler.CatalogBaseAddress);

        // Whatever primary handler the client ends up with (the factory's default
        // HttpClientHandler included) must not follow redirects: it would carry the
        // token to any origin. The handler checks again on first use.
        builder.ConfigurePrimaryHttpMessageHandler((primary, _) => Redirects.TryDisableAutoRedirect(primary));
        return builder.AddHttpMessageHandler(sp =>
        {
            var settings = sp.GetRequiredService<IOptionsMonitor<KeystoneAuthOptions>>().Get(name);
            var session = settings.SessionFor(sp, name).Clone();
            configureSession?.Invoke(session);
            var factory = sp.GetRequiredService<IKeystoneAuthFactory>();
            var handler = new KeystoneAuthHandler(
                factory.GetAuth(name),
                filter(settings),
                session,
                sp.GetService<ILogger<KeystoneAuthHandler>>(),
                sp.GetService<TimeProvider>());
            return factory is Keystone.Auth.DependencyInjection.KeystoneAuthFactory own ? handler.UseMetrics(own.Metrics) : handler;
        });
    }

    /// <summary>
    /// The factory's logging handlers write header values at Trace level. From
    /// .NET 9 on they redact every value by default, but Microsoft.Extensions.Http
    /// 8.0 (what a net8.0 app runs) redacts none, so X-Auth-Token and
    /// X-Subject-Token would reach the logs. Runs after the app's own
    /// configuration and keeps its rule for every other header.
    /// </summary>
    private static void RedactTokenHeaders(IHttpClientBuilder builder) =>
        builder.Services.PostConfigure<HttpClientFactoryOptions>(builder.Name, o =>
        {
            var theirs = o.ShouldRedactHeaderValue;
            o.ShouldRedactHeaderValue = header => IsTokenHeader(header) || theirs(header);
        });

    private static bool IsTokenHeader(string header) =>
        header.Equals("X-Auth-Token", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-Subject-Token", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-Service-Token", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Openstack-Auth-Receipt", StringComparison.OrdinalIgnoreCase);
}
