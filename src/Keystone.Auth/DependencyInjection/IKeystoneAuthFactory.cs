namespace Keystone.Auth;

/// <summary>
/// Gives the auth plugins and sessions of the identities registered with
/// <c>AddKeystoneAuth</c> (by name), and makes identities at run time from
/// options (one per subcloud, thousands of them) with the same HttpClient and
/// token cache, without a DI registration each. Registered as a singleton.
/// </summary>
public interface IKeystoneAuthFactory
{
    /// <summary>The auth plugin of the identity registered as <paramref name="name"/>: one instance per name, made on first use.</summary>
    /// <exception cref="InvalidOperationException">No identity of that name is registered.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Its options are invalid.</exception>
    IAuthPlugin GetAuth(string name);

    /// <summary>A new session over <see cref="GetAuth"/>(<paramref name="name"/>) and the identity's HttpClient.</summary>
    /// <param name="name">The identity's name.</param>
    /// <param name="sessionOptions">Session settings; the identity's <see cref="KeystoneAuthOptions.Session"/> when null.</param>
    KeystoneSession CreateSession(string name, KeystoneSessionOptions? sessionOptions = null);

    /// <summary>
    /// An auth plugin for an identity known only at run time, set up like the
    /// default identity (its HttpClient and decorators, e.g. the token cache,
    /// where it is keyed by the identity's own cache id). Cheap: make one per call
    /// or keep it.
    /// </summary>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    IAuthPlugin CreateAuth(PasswordAuthOptions options);

    /// <summary>A session for an identity known only at run time (see <see cref="CreateAuth(PasswordAuthOptions)"/>).</summary>
    /// <param name="options">Who to authenticate as.</param>
    /// <param name="sessionOptions">Session settings; the default identity's <see cref="KeystoneAuthOptions.Session"/> when null.</param>
    KeystoneSession CreateSession(PasswordAuthOptions options, KeystoneSessionOptions? sessionOptions = null);

    /// <summary>
    /// An auth plugin of any method for an identity known only at run time, e.g.
    /// from <see cref="AuthPluginOptions.FromEnvironment"/>, set up like the
    /// default identity (its HttpClient and decorators; a method whose tokens
    /// cannot be cached, such as a fixed token, is left undecorated by the token cache).
    /// </summary>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    IAuthPlugin CreateAuth(AuthPluginOptions options);

    /// <summary>
    /// A session of any method for an identity known only at run time (see
    /// <see cref="CreateAuth(AuthPluginOptions)"/>). For a method without catalog
    /// (<see cref="FixedTokenAuthOptions"/>) relative URLs go to its endpoint unless
    /// the session options name one.
    /// </summary>
    /// <param name="options">Who to authenticate as, and how.</param>
    /// <param name="sessionOptions">Session settings; the default identity's <see cref="KeystoneAuthOptions.Session"/> when null.</param>
    KeystoneSession CreateSession(AuthPluginOptions options, KeystoneSessionOptions? sessionOptions = null);
}
