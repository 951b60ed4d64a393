using System.Text.Json;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// Authenticates with a user name or id and a password (keystoneauth's
/// <c>v3.Password</c>): one <c>POST {auth_url}/auth/tokens</c> per call to
/// <see cref="GetAccessAsync"/>. It keeps no token; wrap it in
/// <c>CachingPasswordAuth</c> to reuse tokens.
/// </summary>
/// <remarks>
/// The options are validated and copied by the constructor, so a bad
/// combination fails before any network call and later changes to the options
/// object have no effect. The password stays in that private copy for the
/// plugin's lifetime (it is needed for every new token); the request body that
/// carries it is cleared as soon as it has been sent.
/// </remarks>
public sealed class PasswordAuth : IAuthPlugin, IIdentityMethod, ISharedTokenIdentity, ITokenEndpointOwner
{
    private static readonly string[] s_methods = ["password"];

    private readonly PasswordAuthOptions _options;
    private readonly TokenEndpoint _endpoint;
    private readonly PasscodeSource? _totp;
    private readonly UserFactors? _factors;
    private readonly TimeProvider _time;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Who to authenticate as and with which scope.</param>
    /// <param name="httpClient">The client that sends the token request; not disposed by the plugin.</param>
    /// <param name="logger">Optional logger; passwords and tokens are never logged.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are incomplete or contradictory.</exception>
    public PasswordAuth(PasswordAuthOptions options, HttpClient httpClient, ILogger<PasswordAuth>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        _options = options.Snapshot<PasswordAuthOptions>();
        _time = timeProvider ?? TimeProvider.System;
        _totp = PasscodeSource.From(null, _options.TotpSecret, _options.PasscodeProvider, nameof(PasswordAuthOptions));
        if (_totp is not null)
        {
            _factors = UserFactors.For(_options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName, null, _totp);
        }

        _endpoint = new TokenEndpoint(_options, Scope.From(_options), this, "password", httpClient, logger, timeProvider);
    }

    /// <summary>The URL tokens are requested from (<c>…/v3/auth/tokens</c>, with <c>?nocatalog</c> when asked).</summary>
    public Uri TokenUrl => _endpoint.TokenUrl;

    IReadOnlyList<string> IIdentityMethod.Methods => s_methods;

    /// <summary>Requests a new token. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the credentials (401).</exception>
    /// <exception cref="KeystoneHttpException">Keystone answered another error status.</exception>
    /// <exception cref="InvalidResponseException">The answer had no token header, an unusable body, or came through a redirect.</exception>
    /// <exception cref="KeystoneConnectionException">Keystone could not be reached.</exception>
    /// <exception cref="KeystoneTimeoutException">The request took longer than <see cref="KeystoneIdentityOptions.RequestTimeout"/>.</exception>
    /// <exception cref="MultiFactorRequiredException">The user's MFA rules need a method this plugin cannot add (no TOTP source, or not TOTP).</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
        new(_totp is null ? _endpoint.AuthenticateAsync(null, cancellationToken) : WithReceiptAsync(cancellationToken));

    /// <summary>
    /// The password, and when Keystone answers with an auth receipt that TOTP
    /// would complete, one continuation: the TOTP entry alone with the receipt
    /// header. Never more than one continuation per call.
    /// </summary>
    private async Task<AccessInfo> WithReceiptAsync(CancellationToken cancellationToken)
    {
        var box = new AuthReceipt.Box();
        try
        {
            return await _endpoint.AuthenticateAsync(this, null, box, cancellationToken).ConfigureAwait(false);
        }
        catch (MultiFactorRequiredException ex) when (ex.CompletedBy("totp"))
        {
            var receipt = box.Take()!;
            return await _totp!.UseAsync(
                _time, passcode => _endpoint.AuthenticateAsync(_factors!.TotpOnly(passcode), receipt, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            box.Take();
        }
    }

    /// <summary>
    /// This plugin keeps no token, so there is nothing to drop; the next call
    /// fetches a new one. Returns true: a retry gets a fresh token.
    /// </summary>
    public bool Invalidate(AccessInfo access) => true;

    TokenEndpoint ITokenEndpointOwner.Endpoint => _endpoint;

    /// <summary>HMAC-SHA-256 fingerprint of auth URL, method, user, scope, catalog flag and password (see <see cref="KeystoneIdentityOptions.StableCacheId"/>).</summary>
    public string GetCacheId() => _endpoint.CacheId;

    /// <inheritdoc />
    string ISharedTokenIdentity.DeriveSharedTokenKey(Span<byte> key) => _endpoint.DeriveSharedTokenKey(key);

    /// <inheritdoc />
    public override string ToString() => $"PasswordAuth {{ {_endpoint.Description} }}";

    void IIdentityMethod.WriteMethods(Utf8JsonWriter w)
    {
        w.WriteStartObject("password");
        w.WriteStartObject("user");
        UserRef.WriteFields(w, _options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName);
        w.WriteString("password", _options.Password);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    void IIdentityMethod.AddCacheElements(CacheIdentity id)
    {
        UserRef.AddTo(id, _options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName);
        id.AddSecret("password", _options.Password);
        if (_totp is not null)
        {
            // Only when set, so the ids of password-only plugins stay as they were.
            id.Add("mfa_continuation", "totp");
            _totp.AddTo(id);
        }
    }

    string IIdentityMethod.Describe() => UserRef.Describe(_options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName);
}
