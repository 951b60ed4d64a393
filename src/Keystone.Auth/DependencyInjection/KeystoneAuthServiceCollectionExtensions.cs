using Keystone.Auth;
using Keystone.Auth.DependencyInjection;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Keystone identities of any method: its options (<see cref="PasswordAuthOptions"/>,
/// <see cref="ApplicationCredentialAuthOptions"/>, …, chosen by <c>AuthType</c> or
/// <c>OS_AUTH_TYPE</c> or given in code) read and validated at start-up, an <see cref="IAuthPlugin"/> and a
/// <see cref="KeystoneSession"/> per identity (the default one unkeyed, every
/// one keyed by its name), <see cref="IKeystoneAuthFactory"/>, and the
/// <c>Keystone.Auth</c> HttpClient with the recommended transport.
/// </summary>
/// <example>
/// <code>
/// services.AddKeystoneAuth(configuration.GetSection("Keystone")).AddTokenCaching();
/// services.AddHttpClient&lt;SysinvClient&gt;()
///         .AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
/// </code>
/// </example>
public static class KeystoneAuthServiceCollectionExtensions
{
    /// <summary>
    /// The default identity, from a configuration section: <c>AuthType</c>
    /// chooses the method (<c>password</c> when absent, <c>v3applicationcredential</c>,
    /// <c>v3token</c>, <c>admin_token</c>, …; read once, here), and the method's
    /// options are read from the keys named like their properties (<c>AuthUrl</c>,
    /// <c>Username</c>, <c>ApplicationCredentialId</c>, <c>Token</c>, …), plus
    /// optionally <c>RegionName</c> and <c>Interface</c>. Validated at start-up.
    /// </summary>
    /// <exception cref="InvalidOptionsException"><c>AuthType</c> names no known method; the message lists the known ones.</exception>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKeystoneAuth(Options.Options.DefaultName, configuration);

    /// <summary>The default identity, with a password, configured in code.</summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, Action<PasswordAuthOptions> configure) =>
        services.AddKeystoneAuth(Options.Options.DefaultName, configure);

    /// <summary>A named identity (e.g. one per subcloud) from a configuration section; see the unnamed overload.</summary>
    /// <exception cref="InvalidOptionsException"><c>AuthType</c> names no known method; the message lists the known ones.</exception>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = configuration is IConfigurationSection section ? section.Path + ":AuthType" : "AuthType";
        var builder = AuthTypes.Find(configuration["AuthType"], key)
            .Register(services, name, o => OptionsConfigurationReader.Read(configuration, o), configuration);
        services.Configure<KeystoneAuthOptions>(name, o => OptionsConfigurationReader.ReadEndpointDefaults(configuration, o));
        services.AddSingleton<IOptionsChangeTokenSource<KeystoneAuthOptions>>(new ConfigurationChangeTokenSource<KeystoneAuthOptions>(name, configuration));
        return builder;
    }

    /// <summary>A named identity with a password, configured in code.</summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, string name, Action<PasswordAuthOptions> configure) =>
        services.AddKeystoneAuth<PasswordAuthOptions>(name, configure);

    /// <summary>
    /// The default identity with any method, configured in code, e.g.
    /// <c>AddKeystoneAuth&lt;ApplicationCredentialAuthOptions&gt;(o =&gt; …)</c>.
    /// </summary>
    /// <typeparam name="TOptions">The method's options: <see cref="PasswordAuthOptions"/>, <see cref="ApplicationCredentialAuthOptions"/>, <see cref="TokenAuthOptions"/>, <see cref="FixedTokenAuthOptions"/>, ….</typeparam>
    public static IKeystoneAuthBuilder AddKeystoneAuth<TOptions>(this IServiceCollection services, Action<TOptions> configure)
        where TOptions : AuthPluginOptions, new() =>
        services.AddKeystoneAuth(Options.Options.DefaultName, configure);

    /// <summary>A named identity with any method, configured in code; see the unnamed overload.</summary>
    /// <typeparam name="TOptions">The method's options.</typeparam>
    public static IKeystoneAuthBuilder AddKeystoneAuth<TOptions>(this IServiceCollection services, string name, Action<TOptions> configure)
        where TOptions : AuthPluginOptions, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddIdentity(services, name, configure);
    }

    /// <summary>
    /// An identity from the standard OpenStack environment variables of an
    /// openrc file: <c>OS_AUTH_TYPE</c> chooses the method (read once, here;
    /// see <see cref="AuthPluginOptions.FromEnvironment"/>), whose credentials and
    /// scope are read when the options are first needed;
    /// <c>OS_REGION_NAME</c> and <c>OS_INTERFACE</c> (<see cref="KeystoneAuthOptions.FromEnvironment"/>),
    /// and <c>OS_CACERT</c>, <c>OS_CERT</c>, <c>OS_KEY</c>, <c>OS_INSECURE</c> for the
    /// transport (<see cref="KeystoneTransportOptions.FromEnvironment"/>).
    /// Variables that are set win over values configured before.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The identity's name; the default identity when null.</param>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="InvalidOptionsException"><c>OS_AUTH_TYPE</c> names no known method; the message lists the known ones.</exception>
    public static IKeystoneAuthBuilder AddKeystoneAuthFromEnvironment(this IServiceCollection services, string? name = null, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var builder = AuthTypes.Find(getVariable(AuthTypes.Variable), AuthTypes.Variable)
            .Register(services, name ?? Options.Options.DefaultName, o => o.ReadSettings(getVariable));
        services.Configure<KeystoneAuthOptions>(builder.Name, o =>
        {
            var env = KeystoneAuthOptions.FromEnvironment(getVariable);
            o.RegionName = env.RegionName ?? o.RegionName;
            o.Interface = env.Interface ?? o.Interface;
        });
        services.ConfigureKeystoneTransport(o =>
        {
            var env = KeystoneTransportOptions.FromEnvironment(getVariable);
            o.CaCertificatesPath = env.CaCertificatesPath ?? o.CaCertificatesPath;
            o.ClientCertificatePath = env.ClientCertificatePath ?? o.ClientCertificatePath;
            o.ClientKeyPath = env.ClientKeyPath ?? o.ClientKeyPath;
            o.Insecure |= env.Insecure;
        });
        return builder;
    }

    /// <summary>
    /// Only the shared parts: <see cref="IKeystoneAuthFactory"/>, the
    /// <c>Keystone.Auth</c> HttpClient and the transport, for programs whose
    /// identities are all made at run time (<see cref="IKeystoneAuthFactory.CreateSession(PasswordAuthOptions, KeystoneSessionOptions?)"/>).
    /// The builder returned configures how those identities are made (e.g.
    /// <c>.AddTokenCaching()</c>); it is the default identity's, without credentials.
    /// </summary>
    public static IKeystoneAuthBuilder AddKeystoneAuthFactory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);
        return new KeystoneAuthBuilder(Options.Options.DefaultName, services);
    }

    /// <summary>Configures the transport of the <c>Keystone.Auth</c> HttpClient (and of clients using <c>UseKeystoneTransport</c>).</summary>
    public static IServiceCollection ConfigureKeystoneTransport(this IServiceCollection services, Action<KeystoneTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services);
        services.Configure(configure);
        return services;
    }

    /// <summary>Binds the transport settings from a configuration section (<c>ConnectTimeout</c>, <c>CaCertificatesPath</c>, …).</summary>
    public static IServiceCollection ConfigureKeystoneTransport(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services);
        services.Configure<KeystoneTransportOptions>(o => OptionsConfigurationReader.Read(configuration, o));
        services.AddSingleton<IOptionsChangeTokenSource<KeystoneTransportOptions>>(new ConfigurationChangeTokenSource<KeystoneTransportOptions>(configuration));
        return services;
    }

    internal static void AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(IKeystoneAuthFactory)))
        {
            return;
        }

        // First: it is also the "already done" mark (UseKeystoneTransport below comes back here).
        services.TryAddSingleton<IKeystoneAuthFactory, KeystoneAuthFactory>();
        services.AddOptions();
        services.AddOptions<KeystoneTransportOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeystoneTransportOptions>, KeystoneTransportOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeystoneAuthOptions>, KeystoneAuthOptionsValidator>());
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).UseKeystoneTransport();
    }

    /// <summary>
    /// Registers identity <paramref name="name"/> with the method whose options are
    /// <typeparamref name="T"/>: named options validated at start-up, the method
    /// recorded for the factory, the keyed (and for the default identity, unkeyed)
    /// plugin and session. Every method goes through here, so none needs its own DI code.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The identity's name.</param>
    /// <param name="configure">Fills the options.</param>
    /// <param name="source">The configuration they are read from, whose reloads <see cref="IOptionsMonitor{T}"/> readers then see (an identity already made keeps what it was made with).</param>
    internal static IKeystoneAuthBuilder AddIdentity<T>(IServiceCollection services, string name, Action<T> configure, IConfiguration? source = null)
        where T : AuthPluginOptions, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        AddCore(services);

        var method = AuthTypes.For(typeof(T));
        services.AddOptions<T>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, AuthPluginOptionsValidator<T>>());
        if (source is not null)
        {
            services.AddSingleton<IOptionsChangeTokenSource<T>>(new ConfigurationChangeTokenSource<T>(name, source));
        }

        services.AddOptions<KeystoneAuthOptions>(name).Configure(o => o.Method = method).ValidateOnStart();

        services.TryAddKeyedSingleton<IAuthPlugin>(name, (sp, _) => sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(name));
        services.TryAddKeyedSingleton<KeystoneSession>(name, (sp, _) => sp.GetRequiredService<IKeystoneAuthFactory>().CreateSession(name));
        if (name.Length == 0)
        {
            services.TryAddSingleton<IAuthPlugin>(sp => sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(name));
            services.TryAddSingleton<KeystoneSession>(sp => sp.GetRequiredService<IKeystoneAuthFactory>().CreateSession(name));
        }

        return new KeystoneAuthBuilder(name, services);
    }
}
