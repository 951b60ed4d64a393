using System.Net;
using System.Text.Json;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// Authenticates with an application credential (keystoneauth's
/// <c>v3.ApplicationCredential</c>): one token POST per call, never with a
/// scope (the credential carries its own). Wrap it in <c>CachingPasswordAuth</c>
/// to reuse tokens; its cache entries are never shared with another method's.
/// </summary>
/// <remarks>
/// The secret stays in a private copy of the options for the plugin's
/// lifetime; the request body that carries it is cleared after the send.
/// </remarks>
public sealed class ApplicationCredentialAuth : IAuthPlugin, IIdentityMethod, ISharedTokenIdentity, ITokenEndpointOwner
{
    private static readonly string[] s_methods = ["application_credential"];

    private readonly ApplicationCredentialAuthOptions _options;
    private readonly TokenEndpoint _endpoint;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">Which credential, and its secret.</param>
    /// <param name="httpClient">The client that sends the token request; not disposed by the plugin.</param>
    /// <param name="logger">Optional logger; secrets and tokens are never logged.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are incomplete or contradictory.</exception>
    public ApplicationCredentialAuth(ApplicationCredentialAuthOptions options, HttpClient httpClient, ILogger<ApplicationCredentialAuth>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid();
        _options = options.Snapshot<ApplicationCredentialAuthOptions>();
        _endpoint = new TokenEndpoint(_options, Scope.None, this, "application_credential", httpClient, logger, timeProvider);
    }

    /// <summary>The URL tokens are requested from.</summary>
    public Uri TokenUrl => _endpoint.TokenUrl;

    IReadOnlyList<string> IIdentityMethod.Methods => s_methods;

    /// <summary>Requests a new token. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the credential (401: wrong secret, deleted, expired).</exception>
    /// <exception cref="KeystoneException">Any other failure; the derived type says why.</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
        new(_endpoint.AuthenticateAsync(null, cancellationToken));

    /// <summary>Keeps no token; returns true: a retry gets a fresh one.</summary>
    public bool Invalidate(AccessInfo access) => true;

    TokenEndpoint ITokenEndpointOwner.Endpoint => _endpoint;

    /// <summary>HMAC-SHA-256 fingerprint of auth URL, method, credential, user, catalog flag and secret.</summary>
    public string GetCacheId() => _endpoint.CacheId;

    /// <inheritdoc />
    string ISharedTokenIdentity.DeriveSharedTokenKey(Span<byte> key) => _endpoint.DeriveSharedTokenKey(key);

    /// <inheritdoc />
    public override string ToString() => $"ApplicationCredentialAuth {{ {_endpoint.Description} }}";

    void IIdentityMethod.WriteMethods(Utf8JsonWriter w)
    {
        w.WriteStartObject("application_credential");
        if (!string.IsNullOrEmpty(_options.ApplicationCredentialId))
        {
            w.WriteString("id", _options.ApplicationCredentialId);
            w.WriteString("secret", _options.ApplicationCredentialSecret);
        }
        else
        {
            w.WriteString("name", _options.ApplicationCredentialName);
            w.WriteString("secret", _options.ApplicationCredentialSecret);
            w.WriteStartObject("user");
            UserRef.WriteFields(w, _options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    void IIdentityMethod.AddCacheElements(CacheIdentity id)
    {
        id.Add("credential_id", _options.ApplicationCredentialId);
        if (string.IsNullOrEmpty(_options.ApplicationCredentialId))
        {
            id.Add("credential_name", _options.ApplicationCredentialName);
            UserRef.AddTo(id, _options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName);
        }

        id.AddSecret("secret", _options.ApplicationCredentialSecret);
    }

    string IIdentityMethod.Describe() => !string.IsNullOrEmpty(_options.ApplicationCredentialId)
        ? $"application credential id {_options.ApplicationCredentialId}"
        : $"application credential {_options.ApplicationCredentialName} of {UserRef.Describe(_options.UserId, _options.Username, _options.UserDomainId, _options.UserDomainName)}";

    // Keystone answers a deleted (or unknown) credential with 404 "Could not
    // find Application Credential" (401 only from a worker that still caches
    // it): either way the credential is refused.
    bool IIdentityMethod.IsAuthenticationFailure(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound;
}
