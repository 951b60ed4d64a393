using System.Diagnostics.Metrics;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.Redis;
using Keystone.Auth.Caching.Redis.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The shared Redis token tier for the container's <see cref="TokenCache"/>.</summary>
public static class RedisTokenStoreBuilderExtensions
{
    /// <summary>
    /// Registers one Redis token store (<see cref="ITokenStore"/>, a singleton)
    /// with <see cref="RedisTokenStoreOptions"/> read from
    /// <paramref name="configuration"/> (<c>Configuration</c>, <c>KeyPrefix</c>,
    /// <c>ConnectTimeout</c>, <c>OperationTimeout</c>, <c>BreakerFailureThreshold</c>,
    /// <c>BreakerOpenDuration</c>, <c>WaitPollInterval</c>; validated at start-up,
    /// naming the option), and makes it the container's
    /// <see cref="TokenCacheOptions.Store"/>. Use with <c>AddTokenCaching()</c>.
    /// </summary>
    /// <remarks>
    /// Start-up never waits for Redis: the store connects in the background
    /// once first resolved, its first calls wait at most
    /// <see cref="RedisTokenStoreOptions.ConnectTimeout"/> for that, and a dead
    /// Redis gives misses (each process asks Keystone), never an error. Calling
    /// this again changes nothing but the options.
    /// </remarks>
    /// <param name="builder">The identity's builder.</param>
    /// <param name="configuration">The section with the store's options.</param>
    public static IKeystoneAuthBuilder AddRedisTokenStore(this IKeystoneAuthBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddRedisTokenStore(o => RedisOptionsReader.Read(configuration, o));
    }

    /// <summary>
    /// Registers one Redis token store configured by <paramref name="configure"/>;
    /// see <see cref="AddRedisTokenStore(IKeystoneAuthBuilder, IConfiguration)"/>.
    /// </summary>
    /// <param name="builder">The identity's builder.</param>
    /// <param name="configure">Sets the store's options.</param>
    public static IKeystoneAuthBuilder AddRedisTokenStore(this IKeystoneAuthBuilder builder, Action<RedisTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisTokenStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisTokenStoreOptions>, RedisTokenStoreOptionsValidator>());
        if (services.Any(d => d.ServiceType == typeof(ConnectingTokenStore)))
        {
            return builder;
        }

        services.TryAddSingleton(sp => new ConnectingTokenStore(
            sp.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger<RedisTokenStore>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<ITokenStore>(sp => sp.GetRequiredService<ConnectingTokenStore>());

        // A store set explicitly in TokenCacheOptions wins over the registered one.
        services.AddOptions<TokenCacheOptions>().Configure<ITokenStore>(static (o, store) => o.Store ??= store);
        return builder;
    }
}
