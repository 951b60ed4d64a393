using System.Net;
using System.Text.Json;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// Turns an existing token into a new one (keystoneauth's <c>v3.Token</c>),
/// e.g. to rescope an unscoped token to a project. One token POST per call.
/// </summary>
/// <remarks>
/// It can only work while its token lives. Once that token is dead (expired,
/// revoked), the token POST answers 401, which is
/// <see cref="AuthenticationFailedException"/>: a typed error for the caller,
/// never a loop. <see cref="Invalidate"/> returns false, because a token that
/// a service rejected was made from a token that revocation has likely killed too.
/// </remarks>
public sealed class TokenAuth : IAuthPlugin, IIdentityMethod, ISharedTokenIdentity, ITokenEndpointOwner
{
    private static readonly string[] s_methods = ["token"];

    private readonly TokenAuthOptions _options;
    private readonly TokenEndpoint _endpoint;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">The existing token and the scope wanted.</param>
    /// <param name="httpClient">The client that sends the token request; not disposed by the plugin.</param>
    /// <param name="logger">Optional logger; tokens are never logged.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are incomplete or contradictory.</exception>
    public TokenAuth(TokenAuthOptions options, HttpClient httpClient, ILogger<TokenAuth>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        _options = options.Snapshot<TokenAuthOptions>();
        _endpoint = new TokenEndpoint(_options, Scope.From(_options), this, "token", httpClient, logger, timeProvider);
    }

    /// <summary>The URL tokens are requested from.</summary>
    public Uri TokenUrl => _endpoint.TokenUrl;

    IReadOnlyList<string> IIdentityMethod.Methods => s_methods;

    /// <summary>Requests a new token from the existing one. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the existing token (401): it is dead, and this plugin cannot get another.</exception>
    /// <exception cref="KeystoneException">Any other failure; the derived type says why.</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
        new(_endpoint.AuthenticateAsync(null, cancellationToken));

    /// <summary>Returns false: this plugin cannot re-authenticate past its own token, so a retry is not worthwhile.</summary>
    public bool Invalidate(AccessInfo access) => false;

    TokenEndpoint ITokenEndpointOwner.Endpoint => _endpoint;

    /// <summary>HMAC-SHA-256 fingerprint of auth URL, method, scope, catalog flag and the existing token.</summary>
    public string GetCacheId() => _endpoint.CacheId;

    /// <inheritdoc />
    string ISharedTokenIdentity.DeriveSharedTokenKey(Span<byte> key) => _endpoint.DeriveSharedTokenKey(key);

    /// <inheritdoc />
    public override string ToString() => $"TokenAuth {{ {_endpoint.Description} }}";

    void IIdentityMethod.WriteMethods(Utf8JsonWriter w)
    {
        w.WriteStartObject("token");
        w.WriteString("id", _options.Token);
        w.WriteEndObject();
    }

    void IIdentityMethod.AddCacheElements(CacheIdentity id) => id.AddSecret("token", _options.Token);

    string IIdentityMethod.Describe() => $"token {Diagnostics.Redaction.Fingerprint(_options.Token)}";

    // Keystone answers a token request whose token is dead (revoked, its keys
    // replaced) with 404 "Could not recognize Fernet token" / "Failed to
    // validate token", not 401: for this method both mean the credential is refused.
    bool IIdentityMethod.IsAuthenticationFailure(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound;
}
