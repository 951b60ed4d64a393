using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Identity;

/// <summary>One registered method: its names, its options type and how its plugin is made.</summary>
internal abstract class AuthType
{
    private protected AuthType(string[] names) => Names = names;

    /// <summary>The names that select it, the first being the one shown.</summary>
    public IReadOnlyList<string> Names { get; }

    public abstract Type OptionsType { get; }

    /// <summary>Whether the method's tokens come with a catalog (false for a fixed token: sessions use its endpoint).</summary>
    public abstract bool HasCatalog { get; }

    /// <summary>
    /// A registration; <paramref name="create"/> makes the plugin from validated-by-its-constructor
    /// options, the client for token requests, loggers and the clock.
    /// </summary>
    public static AuthType Of<T>(Func<T, HttpClient, ILoggerFactory, TimeProvider, IAuthPlugin> create, params string[] names)
        where T : AuthPluginOptions, new() => new AuthType<T>(create, names);

    public abstract AuthPluginOptions NewOptions();

    /// <summary>The options of the DI identity <paramref name="name"/> (named options of this method's type).</summary>
    public abstract AuthPluginOptions GetNamedOptions(IServiceProvider services, string name);

    public abstract IAuthPlugin CreatePlugin(AuthPluginOptions options, HttpClient http, ILoggerFactory loggers, TimeProvider time);

    /// <summary>Registers a DI identity of this method (generic over the options type, without reflection).</summary>
    public abstract IKeystoneAuthBuilder Register(
        IServiceCollection services, string name, Action<AuthPluginOptions> configure, IConfiguration? source = null);
}

/// <inheritdoc />
internal sealed class AuthType<T>(Func<T, HttpClient, ILoggerFactory, TimeProvider, IAuthPlugin> create, string[] names) : AuthType(names)
    where T : AuthPluginOptions, new()
{
    public override Type OptionsType => typeof(T);

    public override bool HasCatalog { get; } = new T().HasCatalog;

    public override AuthPluginOptions NewOptions() => new T();

    public override AuthPluginOptions GetNamedOptions(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<T>>().Get(name);

    public override IAuthPlugin CreatePlugin(AuthPluginOptions options, HttpClient http, ILoggerFactory loggers, TimeProvider time) =>
        create((T)options, http, loggers, time);

    public override IKeystoneAuthBuilder Register(
        IServiceCollection services, string name, Action<AuthPluginOptions> configure, IConfiguration? source = null) =>
        KeystoneAuthServiceCollectionExtensions.AddIdentity<T>(services, name, o => configure(o), source);
}
