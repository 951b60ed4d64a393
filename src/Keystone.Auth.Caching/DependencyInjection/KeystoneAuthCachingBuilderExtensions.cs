using System.Diagnostics.Metrics;
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Token caching for identities registered with <c>AddKeystoneAuth</c>.</summary>
public static class KeystoneAuthCachingBuilderExtensions
{
    /// <summary>
    /// Registers one <see cref="TokenCache"/> for the container (a singleton with
    /// the <see cref="TokenCacheOptions"/> configured here or elsewhere, validated
    /// at start-up) and wraps the identity's plugin, whatever its method, in
    /// <see cref="CachingPasswordAuth"/> (a fixed token, which is never cached, is left as it is), so <see cref="IAuthPlugin"/>, sessions and
    /// handlers of this identity reuse tokens. On the default identity it also
    /// covers the identities made at run time by <see cref="IKeystoneAuthFactory"/>,
    /// each cached under its own cache id.
    /// </summary>
    /// <param name="builder">The identity's builder.</param>
    /// <param name="configure">Adjusts the cache's options (shared by every identity of the container).</param>
    public static IKeystoneAuthBuilder AddTokenCaching(this IKeystoneAuthBuilder builder, Action<TokenCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<TokenCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenCacheOptions>, TokenCacheOptionsValidator>());
        services.TryAddSingleton(sp => new TokenCache(
            sp.GetRequiredService<IOptions<TokenCacheOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<TokenCache>>(),
            sp.GetService<IMeterFactory>()));

        if (builder.Name.Length == 0)
        {
            services.TryAddSingleton(sp => (CachingPasswordAuth)sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(string.Empty));
        }

        // Idempotent: calling AddTokenCaching twice must not cache a cache. A plugin
        // with no cache id (a fixed token, which belongs to its caller) stays as it is.
        return builder.DecorateAuth(static (sp, inner) => inner is CachingPasswordAuth || inner.GetCacheId() is null
            ? inner
            : new CachingPasswordAuth(inner, sp.GetRequiredService<TokenCache>()));
    }
}
