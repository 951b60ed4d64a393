using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Keystone.Auth.Access;
using Keystone.Auth.Diagnostics;
using Keystone.Auth.Http;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
public sealed class PasswordAuth : IAuthPlugin
{
    private static readonly string s_userAgent = "Keystone.Auth/" + (typeof(PasswordAuth).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly PasswordAuthOptions _options;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _cacheId;
    private readonly string _identity;

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
        PasswordAuthOptionsValidator.ThrowIfInvalid(options);
        _options = options.Clone();
        _options.AuthUrl = AuthUrl.Normalize(_options.AuthUrl);
        _http = httpClient;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        TokenUrl = TokenRequest.TokenUrl(_options);
        _cacheId = TokenRequest.CacheId(_options, TokenUrl);
        _identity = Describe(_options);
    }

    /// <summary>The URL tokens are requested from (<c>…/v3/auth/tokens</c>, with <c>?nocatalog</c> when asked).</summary>
    public Uri TokenUrl { get; }

    /// <summary>Requests a new token. Every call is one token POST.</summary>
    /// <exception cref="AuthenticationFailedException">Keystone refused the credentials (401).</exception>
    /// <exception cref="KeystoneHttpException">Keystone answered another error status.</exception>
    /// <exception cref="InvalidResponseException">The answer had no token header or an unusable body.</exception>
    /// <exception cref="KeystoneConnectionException">Keystone could not be reached.</exception>
    /// <exception cref="KeystoneTimeoutException">The request took longer than <see cref="PasswordAuthOptions.RequestTimeout"/>.</exception>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) =>
        new(AuthenticateAsync(cancellationToken));

    /// <summary>
    /// This plugin keeps no token, so there is nothing to drop; the next call
    /// fetches a new one. Returns true: a retry gets a fresh token.
    /// </summary>
    public bool Invalidate(AccessInfo access) => true;

    /// <summary>HMAC-SHA-256 fingerprint (keyed per process) of auth URL, user, scope, catalog flag and password.</summary>
    public string GetCacheId() => _cacheId;

    /// <inheritdoc />
    public override string ToString() => $"PasswordAuth {{ {_identity} }}";

    private async Task<AccessInfo> AuthenticateAsync(CancellationToken cancellationToken)
    {
        using var activity = KeystoneTelemetry.ActivitySource.StartActivity("Keystone.Auth.TokenRequest", ActivityKind.Client);
        activity?.SetTag("http.request.method", "POST");
        activity?.SetTag("url.full", TokenUrl.AbsoluteUri);

        Log.TokenRequesting(_logger, TokenUrl, _identity);
        var started = _time.GetTimestamp();
        var requestedAt = _time.GetUtcNow();
        var body = new ArrayBufferWriter<byte>(512);
        try
        {
            TokenRequest.WriteBody(_options, body);
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenUrl);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
            var content = new ReadOnlyMemoryContent(body.WrittenMemory);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;

            AccessInfo access;
            using (var deadline = new TimeoutScope(_options.RequestTimeout ?? PasswordAuthOptions.DefaultRequestTimeout, cancellationToken))
            {
                try
                {
                    // Headers first, then the body under our own size limit: a
                    // hostile or runaway answer is never buffered whole.
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                    TokenRedirects.ThrowIfRedirected(response, TokenUrl);
                    if (!ErrorResponse.IsSuccess(response.StatusCode))
                    {
                        throw await ErrorResponse.ToExceptionAsync(
                            response, HttpMethod.Post, TokenUrl, response.StatusCode == HttpStatusCode.Unauthorized, deadline.Token).ConfigureAwait(false);
                    }

                    access = await TokenResponseReader.ReadAsync(response, TokenUrl, requestedAt, _options.MaxResponseBytes, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (deadline.Classify(ex, TokenUrl) is { } typed)
                {
                    throw typed;
                }
            }

            if (access.LocalExpiresAt <= _time.GetUtcNow())
            {
                throw new InvalidResponseException($"Keystone issued a token that has already expired (expires_at {access.ExpiresAt:O})", TokenUrl);
            }

            var elapsed = _time.GetElapsedTime(started);
            KeystoneTelemetry.TokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.Outcomes.Success));
            KeystoneTelemetry.TokenRequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.Outcomes.Success));
            activity?.SetTag("keystone.outcome", KeystoneTelemetry.Outcomes.Success);
            Log.TokenIssued(_logger, access.TokenFingerprint, _identity, access.ExpiresAt, elapsed.TotalMilliseconds);
            return access;
        }
        catch (Exception ex) when (ex is KeystoneException or OperationCanceledException)
        {
            var elapsed = _time.GetElapsedTime(started);
            var outcome = KeystoneTelemetry.OutcomeOf(ex);
            KeystoneTelemetry.TokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            KeystoneTelemetry.TokenRequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
            activity?.SetTag("keystone.outcome", outcome);
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            if (ex is not OperationCanceledException)
            {
                Log.TokenRequestFailed(_logger, TokenUrl, _identity, outcome, elapsed.TotalMilliseconds, ex);
            }

            throw;
        }
        finally
        {
            // The body holds the password: zero it rather than leave it to the GC.
            body.Clear();
        }
    }

    private static string Describe(PasswordAuthOptions o)
    {
        var user = !string.IsNullOrEmpty(o.UserId) ? $"user id {o.UserId}" : $"user {o.Username}@{o.UserDomainName ?? o.UserDomainId}";
        var scope = !string.IsNullOrEmpty(o.ProjectId) ? $"project id {o.ProjectId}"
            : !string.IsNullOrEmpty(o.ProjectName) ? $"project {o.ProjectName}@{o.ProjectDomainName ?? o.ProjectDomainId}"
            : !string.IsNullOrEmpty(o.DomainId) ? $"domain id {o.DomainId}"
            : !string.IsNullOrEmpty(o.DomainName) ? $"domain {o.DomainName}"
            : !string.IsNullOrEmpty(o.SystemScope) ? $"system {o.SystemScope}"
            : !string.IsNullOrEmpty(o.TrustId) ? $"trust {o.TrustId}"
            : o.Unscoped ? "unscoped" : "default scope";
        return $"{user}, {scope}";
    }
}
