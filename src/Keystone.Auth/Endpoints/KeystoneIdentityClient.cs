using System.Net;
using Keystone.Auth.Access;
using Keystone.Auth.Endpoints;
using Keystone.Auth.Http;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth;

/// <summary>
/// The Keystone read calls a Distributed Cloud service needs besides its own
/// token: validate another token, and list regions, services and endpoints.
/// Calls go through a <see cref="KeystoneSession"/> over the given plugin, so
/// they carry its token and re-authenticate once on 401. Thread-safe.
/// </summary>
// The session is disposable only to refuse use after Dispose; it holds no
// resource (the HttpClient and plugin are the caller's), so neither does this.
#pragma warning disable CA1001
public sealed partial class KeystoneIdentityClient
#pragma warning restore CA1001
{
    private const string SubjectTokenHeader = "X-Subject-Token";

    private readonly KeystoneSession _session;
    private readonly KeystoneIdentityClientOptions _options;

    /// <summary>Creates the client.</summary>
    /// <param name="auth">The identity the calls are made as (it needs the right to read the lists, e.g. admin).</param>
    /// <param name="httpClient">The client the calls go through; not disposed.</param>
    /// <param name="options">Where Keystone is; copied.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    public KeystoneIdentityClient(IAuthPlugin auth, HttpClient httpClient, KeystoneIdentityClientOptions? options = null, ILogger<KeystoneSession>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new KeystoneIdentityClientOptions();
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(KeystoneIdentityClientOptions), failures);
        }

        _options = new KeystoneIdentityClientOptions
        {
            IdentityUrl = options.IdentityUrl,
            IdentityEndpoint = options.IdentityEndpoint,
            MaxResponseBytes = options.MaxResponseBytes,
        };

        var session = options.Session.Clone();

        // Errors are mapped here (404 on a validation is a typed not-found), and
        // the lookup is ours: the catalog's identity entry or the URL given.
        session.RaiseOnError = false;
        session.EndpointOverride = options.IdentityUrl is null ? null : WithVersion(options.IdentityUrl);
        session.EndpointResolver = null;
        _session = new KeystoneSession(auth, httpClient, session, logger);
    }

    /// <summary>
    /// Validates <paramref name="subjectToken"/> (<c>GET /v3/auth/tokens</c> with
    /// <c>X-Subject-Token</c>) and returns what Keystone says about it: user,
    /// scope, roles, expiry and, with <paramref name="includeCatalog"/>, its catalog.
    /// </summary>
    /// <param name="subjectToken">The token to check (e.g. one a caller presented).</param>
    /// <param name="includeCatalog">False adds <c>?nocatalog</c>: a smaller answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <remarks>
    /// The result's <see cref="AccessInfo.LocalExpiresAt"/> is Keystone's
    /// <c>expires_at</c> as given: the token was issued to someone else, at a time
    /// this process did not see, so no clock-skew correction applies.
    /// </remarks>
    /// <exception cref="TokenNotFoundException">Keystone does not know the token (revoked, expired, keys replaced).</exception>
    /// <exception cref="InvalidOptionsException"><paramref name="subjectToken"/> is not a valid header value (it is not sent).</exception>
    /// <exception cref="KeystoneHttpException">Another error status (e.g. 403: this identity may not validate tokens).</exception>
    /// <exception cref="InvalidResponseException">The answer is not a usable token body.</exception>
    public async Task<AccessInfo> ValidateTokenAsync(string subjectToken, bool includeCatalog = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectToken);
        if (TokenValue.Problem(subjectToken) is { } problem)
        {
            throw new InvalidOptionsException(nameof(KeystoneIdentityClient), [$"subjectToken is not a usable token: {problem}"]);
        }

        var url = await UrlAsync(includeCatalog ? "auth/tokens" : "auth/tokens?nocatalog", cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(SubjectTokenHeader, subjectToken);
        using var response = await _session.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var error = await ErrorResponse.ToExceptionAsync(response, HttpMethod.Get, url, false, cancellationToken).ConfigureAwait(false);
            throw new TokenNotFoundException(HttpMethod.Get, url, error.Title, error.ServerMessage, error.RequestId);
        }

        await ThrowIfErrorAsync(response, url, cancellationToken).ConfigureAwait(false);
        var body = await ReadBoundedAsync(response, url, cancellationToken).ConfigureAwait(false);
        try
        {
            // requestedAt is null on purpose: see remarks.
            return TokenResponseReader.Parse(subjectToken, body, null);
        }
        catch (InvalidResponseException ex) when (ex.RequestUri is null)
        {
            throw new InvalidResponseException(ex.Message, url, ex);
        }
    }

    private async ValueTask<Uri> UrlAsync(string path, CancellationToken cancellationToken)
    {
        var root = await _session.GetEndpointAsync(_options.IdentityEndpoint, cancellationToken).ConfigureAwait(false);
        return new Uri(WithVersion(root).TrimEnd('/') + "/" + path, UriKind.Absolute);
    }

    /// <summary>Catalogs list Keystone both as <c>…:5000</c> and <c>…:5000/v3</c>; the calls are v3.</summary>
    private static string WithVersion(string url)
    {
        var trimmed = url.TrimEnd('/');
        return trimmed.EndsWith("/v3", StringComparison.OrdinalIgnoreCase) ? trimmed : trimmed + "/v3";
    }

    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        if (!ErrorResponse.IsSuccess(response.StatusCode))
        {
            throw await ErrorResponse.ToExceptionAsync(response, HttpMethod.Get, url, false, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        var max = _options.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } length && length > max)
        {
            throw new InvalidResponseException($"The answer is {length} bytes, more than the {max} allowed (MaxResponseBytes)", url);
        }

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var bounded = new BoundedReadStream(stream, max);
                await using (bounded.ConfigureAwait(false))
                {
                    using var copy = new MemoryStream();
                    await bounded.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                    return copy.ToArray();
                }
            }
        }
        catch (BoundedReadStream.LimitExceededException ex)
        {
            throw new InvalidResponseException($"The answer is larger than the {max} bytes allowed (MaxResponseBytes)", url, ex);
        }
    }
}
