using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// The options of any auth method this library offers: <see cref="KeystoneIdentityOptions"/>
/// for the methods that ask Keystone for a token (password, application
/// credential, token, …) and <see cref="FixedTokenAuthOptions"/> for a token
/// used as is. What configuration, <c>OS_AUTH_TYPE</c>, clouds.yaml,
/// dependency injection and <see cref="IKeystoneAuthFactory"/> work with when
/// the method is chosen at run time.
/// </summary>
/// <remarks>
/// The hierarchy is closed: each type is registered with its auth type names
/// (<c>password</c>, <c>v3applicationcredential</c>, …) in one place inside the
/// library, which is how <see cref="FromEnvironment"/> and configuration find it.
/// </remarks>
public abstract class AuthPluginOptions
{
    private protected AuthPluginOptions()
    {
    }

    /// <summary>
    /// Reads <c>OS_AUTH_TYPE</c> and returns the options of that method, filled
    /// from the <c>OS_*</c> variables it uses: <c>password</c>/<c>v3password</c>
    /// (the default when unset) gives <see cref="PasswordAuthOptions"/>,
    /// <c>v3applicationcredential</c> <see cref="ApplicationCredentialAuthOptions"/>,
    /// <c>v3token</c>/<c>token</c> <see cref="TokenAuthOptions"/>, and
    /// <c>admin_token</c>/<c>token_endpoint</c> <see cref="FixedTokenAuthOptions"/>
    /// (<c>OS_TOKEN</c>, <c>OS_ENDPOINT</c>).
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    /// <exception cref="InvalidOptionsException"><c>OS_AUTH_TYPE</c> names no known method; the message lists the known ones.</exception>
    public static AuthPluginOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var options = AuthTypes.Find(getVariable(AuthTypes.Variable), AuthTypes.Variable).NewOptions();
        options.ReadSettings(getVariable);
        return options;
    }

    /// <summary>
    /// The auth type names <see cref="FromEnvironment"/>, configuration's
    /// <c>AuthType</c> and clouds.yaml's <c>auth_type</c> accept (compared
    /// ignoring case and surrounding white space).
    /// </summary>
    public static IReadOnlyList<string> KnownAuthTypes { get; } = [.. AuthTypes.Names];

    /// <summary>
    /// Every problem, each naming its option; empty when the options are usable.
    /// The plugin's constructor and start-up validation both use it.
    /// </summary>
    internal abstract IReadOnlyList<string> Validate();

    /// <summary>
    /// Overlays the string settings that <paramref name="getVariable"/> has a
    /// non-empty value for, asked by their <c>OS_*</c> name; settings it has no
    /// value for keep theirs. Configuration and clouds.yaml reuse this through
    /// <see cref="SettingNames"/>, so a method lists its settings once.
    /// </summary>
    internal abstract void ReadSettings(Func<string, string?> getVariable);

    /// <summary>Whether the method's tokens come with a service catalog (false: sessions use <see cref="DefaultEndpoint"/>).</summary>
    internal virtual bool HasCatalog => true;

    /// <summary>The service endpoint sessions should use when the method brings no catalog; null when it does.</summary>
    internal virtual string? DefaultEndpoint => null;
}
