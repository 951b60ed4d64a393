using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// Authenticates with a password and a TOTP passcode in one request
/// (keystoneauth's <c>v3.MultiFactor</c> with password and TOTP): both entries
/// in <c>identity.methods</c>, one token POST per call, which meets MFA rules
/// such as <c>[password, totp]</c> without an auth receipt round trip.
/// </summary>
/// <remarks>
/// The password and the TOTP secret stay in the plugin's private copy of the
/// options; the body carrying them and the passcode is cleared after the send.
/// </remarks>
public sealed class MultiFactorAuth : IAuthPlugin, ITokenEndpointOwner
{
    private readonly PasscodeSignIn _signIn;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">The user, its password, the passcode source and the scope.</param>
    /// <param name="httpClient">The client that sends the token request; not disposed by the plugin.</param>
    /// <param name="logger">Optional logger; secrets, passcodes and tokens are never logged.</param>
    /// <param name="timeProvider">The clock the passcode is computed from; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are incomplete or contradictory.</exception>
    public MultiFactorAuth(MultiFactorAuthOptions options, HttpClient httpClient, ILogger<MultiFactorAuth>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        var o = options.Snapshot<MultiFactorAuthOptions>();
        _signIn = new PasscodeSignIn(o, o.Passcode, o.Password, "password+totp", nameof(MultiFactorAuthOptions), httpClient, logger, timeProvider);
    }

    /// <summary>The URL tokens are requested from.</summary>
    public Uri TokenUrl => _signIn.Endpoint.TokenUrl;

    /// <summary>Requests a new token with the password and the passcode of this moment. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the password or the passcode (401).</exception>
    /// <exception cref="MultiFactorRequiredException">The user's MFA rules need yet another method.</exception>
    /// <exception cref="InvalidOptionsException">A one-shot <see cref="MultiFactorAuthOptions.Passcode"/> was already used, or the provider gave no passcode.</exception>
    /// <exception cref="KeystoneException">Any other failure; the derived type says why.</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) => _signIn.GetAccessAsync(cancellationToken);

    /// <summary>Keeps no token. True, unless the passcode is one-shot: then no other token can be had.</summary>
    public bool Invalidate(AccessInfo access) => _signIn.MayReauthenticate;

    TokenEndpoint ITokenEndpointOwner.Endpoint => _signIn.Endpoint;

    /// <summary>HMAC-SHA-256 fingerprint of auth URL, method, user, scope, catalog flag, password and passcode source (never a passcode).</summary>
    public string GetCacheId() => _signIn.Endpoint.CacheId;

    /// <inheritdoc />
    public override string ToString() => $"MultiFactorAuth {{ {_signIn.Endpoint.Description} }}";
}
