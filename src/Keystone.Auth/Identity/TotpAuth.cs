using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// Authenticates with a TOTP passcode alone (keystoneauth's <c>v3.TOTP</c>):
/// one token POST per call, the passcode taken from the options' source at
/// that moment. Wrap it in <c>CachingPasswordAuth</c> to reuse tokens.
/// </summary>
/// <remarks>
/// A user whose MFA rules need more than TOTP (e.g. <c>[password, totp]</c>)
/// gets <see cref="MultiFactorRequiredException"/> naming what is missing; use
/// <see cref="MultiFactorAuth"/> for such a user. The TOTP secret stays in the
/// plugin's private copy of the options; the body carrying the passcode is
/// cleared after the send.
/// </remarks>
public sealed class TotpAuth : IAuthPlugin, ITokenEndpointOwner
{
    private readonly PasscodeSignIn _signIn;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">The user, the scope and the passcode source.</param>
    /// <param name="httpClient">The client that sends the token request; not disposed by the plugin.</param>
    /// <param name="logger">Optional logger; secrets, passcodes and tokens are never logged.</param>
    /// <param name="timeProvider">The clock the passcode is computed from; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are incomplete or contradictory.</exception>
    public TotpAuth(TotpAuthOptions options, HttpClient httpClient, ILogger<TotpAuth>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        var o = options.Snapshot<TotpAuthOptions>();
        _signIn = new PasscodeSignIn(o, o.Passcode, password: null, "totp", nameof(TotpAuthOptions), httpClient, logger, timeProvider);
    }

    /// <summary>The URL tokens are requested from.</summary>
    public Uri TokenUrl => _signIn.Endpoint.TokenUrl;

    /// <summary>Requests a new token with the passcode of this moment. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the passcode or the user (401).</exception>
    /// <exception cref="MultiFactorRequiredException">The user's MFA rules need more than TOTP.</exception>
    /// <exception cref="InvalidOptionsException">A one-shot <see cref="TotpAuthOptions.Passcode"/> was already used, or the provider gave no passcode.</exception>
    /// <exception cref="KeystoneException">Any other failure; the derived type says why.</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) => _signIn.GetAccessAsync(cancellationToken);

    /// <summary>Keeps no token. True, unless the passcode is one-shot: then no other token can be had.</summary>
    public bool Invalidate(AccessInfo access) => _signIn.MayReauthenticate;

    TokenEndpoint ITokenEndpointOwner.Endpoint => _signIn.Endpoint;

    /// <summary>HMAC-SHA-256 fingerprint of auth URL, method, user, scope, catalog flag and passcode source (never a passcode).</summary>
    public string GetCacheId() => _signIn.Endpoint.CacheId;

    /// <inheritdoc />
    public override string ToString() => $"TotpAuth {{ {_signIn.Endpoint.Description} }}";
}
