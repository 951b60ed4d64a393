namespace Keystone.Auth;

/// <summary>
/// How one identity registered with <c>AddKeystoneAuth</c> is used, beyond its
/// credentials (the method's <see cref="AuthPluginOptions"/>): the HttpClient its token
/// requests go through, endpoint defaults (<c>OS_REGION_NAME</c>,
/// <c>OS_INTERFACE</c>), the session/handler settings, and decorators such as
/// the token cache. Named like the identity.
/// </summary>
public sealed class KeystoneAuthOptions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client used for token requests and sessions: <c>Keystone.Auth</c>.</summary>
    public const string DefaultHttpClientName = "Keystone.Auth";

    /// <summary>The named HttpClient used for this identity's token requests and sessions (default <see cref="DefaultHttpClientName"/>).</summary>
    public string HttpClientName { get; set; } = DefaultHttpClientName;

    /// <summary>The region endpoints are looked up in when a filter is built from these defaults (<c>OS_REGION_NAME</c>).</summary>
    public string? RegionName { get; set; }

    /// <summary>The interface endpoints are looked up with when a filter is built from these defaults (<c>OS_INTERFACE</c>); public when unset.</summary>
    public EndpointInterface? Interface { get; set; }

    /// <summary>Settings of the sessions and handlers made for this identity.</summary>
    public KeystoneSessionOptions Session { get; } = new();

    /// <summary>
    /// Applied in order to the plugin of this identity (<see cref="PasswordAuth"/>, …); each
    /// returns the plugin to use instead (e.g. <c>AddTokenCaching</c> wraps it in
    /// <c>CachingPasswordAuth</c>).
    /// </summary>
    public IList<Func<IServiceProvider, IAuthPlugin, IAuthPlugin>> AuthDecorators { get; } = new List<Func<IServiceProvider, IAuthPlugin, IAuthPlugin>>();

    /// <summary>Set by <c>AddKeystoneAuth</c>: the method of this name's credentials; null when the name has none.</summary>
    internal Identity.AuthType? Method { get; set; }

    /// <summary>
    /// The session settings of this identity (named <paramref name="name"/>): <see cref="Session"/>,
    /// with <see cref="KeystoneSessionOptions.EndpointOverride"/> set to the
    /// method's own endpoint when the method has no catalog (a fixed token) and
    /// none is set. Read when a session or handler is made, so that start-up
    /// validation of the credentials stays theirs alone.
    /// </summary>
    internal KeystoneSessionOptions SessionFor(IServiceProvider services, string name)
    {
        if (Session.EndpointOverride is null && Method is { HasCatalog: false } method
            && method.GetNamedOptions(services, name).DefaultEndpoint is { } endpoint)
        {
            var session = Session.Clone();
            session.EndpointOverride = endpoint;
            return session;
        }

        return Session;
    }

    /// <summary>
    /// An endpoint filter for <paramref name="serviceType"/> with this identity's
    /// <see cref="Interface"/> (public when unset) and <see cref="RegionName"/>.
    /// </summary>
    public EndpointFilter CreateEndpointFilter(string serviceType, string? serviceName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceType);
        return new EndpointFilter(serviceType, Interface ?? EndpointInterface.Public, RegionName, serviceName);
    }

    /// <summary>
    /// Reads <c>OS_REGION_NAME</c> and <c>OS_INTERFACE</c> (<c>public</c>,
    /// <c>internal</c>, <c>admin</c>, or the <c>…URL</c> forms) into new options.
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="InvalidOptionsException"><c>OS_INTERFACE</c> is not an interface name.</exception>
    public static KeystoneAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        var options = new KeystoneAuthOptions { RegionName = Get("OS_REGION_NAME") };
        if (Get("OS_INTERFACE") is { } text)
        {
            options.Interface = ParseInterface("OS_INTERFACE", text);
        }

        return options;
    }

    /// <summary>An interface setting (<paramref name="setting"/> names where it came from), or an error naming it.</summary>
    internal static EndpointInterface ParseInterface(string setting, string text) =>
        EndpointFilter.TryParseInterface(text, out var parsed)
            ? parsed
            : throw new InvalidOptionsException(nameof(KeystoneAuthOptions), [$"{setting} must be public, internal or admin, got '{text}'"]);
}
