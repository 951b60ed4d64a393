using Keystone.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="EndpointMap"/> of an identity.</summary>
public static class EndpointMapBuilderExtensions
{
    /// <summary>
    /// Registers one <see cref="EndpointMap"/> (a singleton, shared by every session
    /// and handler of the container) that lists regions, services and endpoints as
    /// this identity, through its HttpClient; and makes it the
    /// <see cref="KeystoneSessionOptions.EndpointResolver"/> of this identity's
    /// sessions and handlers unless they name another. Filters with a region then go
    /// to the endpoints Keystone lists for it; filters without one to the catalog.
    /// </summary>
    /// <param name="builder">The identity (it must be allowed to list endpoints, e.g. admin).</param>
    /// <param name="configure">Interfaces, refresh limit, URL templates.</param>
    /// <param name="configureClient">Where Keystone is (default: the token catalog's public identity endpoint).</param>
    public static IKeystoneAuthBuilder AddEndpointMap(this IKeystoneAuthBuilder builder, Action<EndpointMapOptions>? configure = null, Action<KeystoneIdentityClientOptions>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        builder.Services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptionsMonitor<KeystoneAuthOptions>>().Get(name);
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(settings.HttpClientName);
            var clientOptions = new KeystoneIdentityClientOptions();
            configureClient?.Invoke(clientOptions);
            var mapOptions = new EndpointMapOptions();
            configure?.Invoke(mapOptions);
            var loggers = sp.GetService<ILoggerFactory>();
            var identity = new KeystoneIdentityClient(sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(name), http, clientOptions, loggers?.CreateLogger<KeystoneSession>());
            return new EndpointMap(identity, mapOptions, loggers?.CreateLogger<EndpointMap>(), sp.GetService<TimeProvider>());
        });

        // Deferred: building the map reads this identity's options, which this
        // very configuration is part of, so the map is fetched at first use.
        builder.Services.AddSingleton<IConfigureOptions<KeystoneAuthOptions>>(sp =>
            new ConfigureNamedOptions<KeystoneAuthOptions>(name, o => o.Session.EndpointResolver ??= new DeferredResolver(sp)));
        return builder;
    }

    private sealed class DeferredResolver(IServiceProvider services) : IEndpointResolver
    {
        private EndpointMap? _map;

        public ValueTask<string> ResolveAsync(EndpointFilter filter, AccessInfo access, CancellationToken cancellationToken) =>
            (_map ??= services.GetRequiredService<EndpointMap>()).ResolveAsync(filter, access, cancellationToken);
    }
}
