using Keystone.Auth;
using Keystone.Auth.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Keystone identities: <see cref="PasswordAuthOptions"/> bound and
/// validated at start-up, an <see cref="IAuthPlugin"/> and a
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
    /// The default identity, from a configuration section holding the
    /// <see cref="PasswordAuthOptions"/> keys (<c>AuthUrl</c>, <c>Username</c>, …)
    /// and optionally <c>RegionName</c> and <c>Interface</c>.
    /// </summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, IConfiguration configuration) =>
        services.AddKeystoneAuth(Options.Options.DefaultName, configuration);

    /// <summary>The default identity, configured in code.</summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, Action<PasswordAuthOptions> configure) =>
        services.AddKeystoneAuth(Options.Options.DefaultName, configure);

    /// <summary>A named identity (e.g. one per subcloud) from a configuration section; see the unnamed overload.</summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddIdentity(services, name, credentials => credentials.Configure(o => OptionsConfigurationReader.Read(configuration, o)));
        services.Configure<KeystoneAuthOptions>(name, o => OptionsConfigurationReader.ReadEndpointDefaults(configuration, o));
        AddChangeTokenSources(services, name, configuration);
        return builder;
    }

    /// <summary>A named identity configured in code.</summary>
    public static IKeystoneAuthBuilder AddKeystoneAuth(this IServiceCollection services, string name, Action<PasswordAuthOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddIdentity(services, name, credentials => credentials.Configure(configure));
    }

    /// <summary>
    /// An identity from the standard OpenStack environment variables of an
    /// openrc file: credentials and scope (<see cref="PasswordAuthOptions.FromEnvironment"/>),
    /// <c>OS_REGION_NAME</c> and <c>OS_INTERFACE</c> (<see cref="KeystoneAuthOptions.FromEnvironment"/>),
    /// and <c>OS_CACERT</c>, <c>OS_CERT</c>, <c>OS_KEY</c>, <c>OS_INSECURE</c> for the
    /// transport (<see cref="KeystoneTransportOptions.FromEnvironment"/>). Read when
    /// the options are first needed.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The identity's name; the default identity when null.</param>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static IKeystoneAuthBuilder AddKeystoneAuthFromEnvironment(this IServiceCollection services, string? name = null, Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var builder = services.AddKeystoneAuth(name ?? Options.Options.DefaultName, o => CopyCredentials(PasswordAuthOptions.FromEnvironment(getVariable), o));
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PasswordAuthOptions>, PasswordAuthOptionsValidator>());
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).UseKeystoneTransport();
    }

    private static KeystoneAuthBuilder AddIdentity(IServiceCollection services, string name, Action<OptionsBuilder<PasswordAuthOptions>> credentials)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        AddCore(services);

        var options = services.AddOptions<PasswordAuthOptions>(name);
        credentials(options);
        options.ValidateOnStart();
        services.AddOptions<KeystoneAuthOptions>(name).Configure(o => o.HasCredentials = true).ValidateOnStart();

        services.TryAddKeyedSingleton<IAuthPlugin>(name, (sp, _) => sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(name));
        services.TryAddKeyedSingleton<KeystoneSession>(name, (sp, _) => sp.GetRequiredService<IKeystoneAuthFactory>().CreateSession(name));
        if (name.Length == 0)
        {
            services.TryAddSingleton<IAuthPlugin>(sp => sp.GetRequiredService<IKeystoneAuthFactory>().GetAuth(name));
            services.TryAddSingleton<KeystoneSession>(sp => sp.GetRequiredService<IKeystoneAuthFactory>().CreateSession(name));
        }

        return new KeystoneAuthBuilder(name, services);
    }

    private static void AddChangeTokenSources(IServiceCollection services, string name, IConfiguration configuration)
    {
        // IOptionsMonitor readers see configuration reloads (an identity already
        // made by the factory keeps the credentials it was made with).
        services.AddSingleton<IOptionsChangeTokenSource<PasswordAuthOptions>>(new ConfigurationChangeTokenSource<PasswordAuthOptions>(name, configuration));
        services.AddSingleton<IOptionsChangeTokenSource<KeystoneAuthOptions>>(new ConfigurationChangeTokenSource<KeystoneAuthOptions>(name, configuration));
    }

    private static void CopyCredentials(PasswordAuthOptions from, PasswordAuthOptions to) => from.CopySetValuesTo(to);
}
