using Keystone.Auth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Further settings of one identity registered with <c>AddKeystoneAuth</c>.</summary>
public static class KeystoneAuthBuilderExtensions
{
    /// <summary>Configures the identity's <see cref="KeystoneAuthOptions"/> (HttpClient name, endpoint defaults, …).</summary>
    public static IKeystoneAuthBuilder Configure(this IKeystoneAuthBuilder builder, Action<KeystoneAuthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }

    /// <summary>Configures the sessions and handlers of the identity (endpoint override, 401 retry, timeouts, …).</summary>
    public static IKeystoneAuthBuilder ConfigureSession(this IKeystoneAuthBuilder builder, Action<KeystoneSessionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(o => configure(o.Session));
    }

    /// <summary>Wraps the identity's auth plugin (applied in registration order).</summary>
    public static IKeystoneAuthBuilder DecorateAuth(this IKeystoneAuthBuilder builder, Func<IServiceProvider, IAuthPlugin, IAuthPlugin> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        return builder.Configure(o => o.AuthDecorators.Add(decorator));
    }
}
