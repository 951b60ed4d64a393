using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
public sealed class KeystoneIdentityClient
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

    /// <summary>Every region (<c>GET /v3/regions</c>).</summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not a region list, a value of the wrong type, or a list Keystone truncated (<c>list_limit</c>).</exception>
    public async Task<IReadOnlyList<KeystoneRegion>> ListRegionsAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("regions", IdentityListJsonContext.Default.RegionListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneRegion>(dto.Regions?.Count ?? 0);
        foreach (var r in dto.Regions ?? [])
        {
            if (r?.Id is { Length: > 0 } id)
            {
                list.Add(new KeystoneRegion(id, r.ParentRegionId, r.Description));
            }
        }

        return list;
    }

    /// <summary>Every service (<c>GET /v3/services</c>).</summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not a service list, a value of the wrong type, or a truncated list.</exception>
    public async Task<IReadOnlyList<KeystoneService>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("services", IdentityListJsonContext.Default.ServiceListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneService>(dto.Services?.Count ?? 0);
        foreach (var s in dto.Services ?? [])
        {
            if (s?.Id is { Length: > 0 } id && s.Type is { Length: > 0 } type)
            {
                list.Add(new KeystoneService(id, type, s.Name, s.Enabled ?? true));
            }
        }

        return list;
    }

    /// <summary>
    /// Every endpoint (<c>GET /v3/endpoints</c>). Entries without an id, service,
    /// URL or a known interface are skipped, as the catalog skips them.
    /// </summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not an endpoint list, a value of the wrong type, or a truncated list.</exception>
    public async Task<IReadOnlyList<KeystoneEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("endpoints", IdentityListJsonContext.Default.EndpointListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneEndpoint>(dto.Endpoints?.Count ?? 0);
        foreach (var e in dto.Endpoints ?? [])
        {
            if (e?.Id is { Length: > 0 } id && e.ServiceId is { Length: > 0 } serviceId && e.Url is { Length: > 0 } url
                && EndpointFilter.TryParseInterface(e.Interface, out var iface))
            {
                list.Add(new KeystoneEndpoint(id, serviceId, iface, e.RegionId ?? e.Region, url, e.Enabled ?? true));
            }
        }

        return list;
    }

    private async Task<(T Dto, Uri Url)> ListAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var url = await UrlAsync(path, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await _session.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, url, cancellationToken).ConfigureAwait(false);
        var body = await ReadBoundedAsync(response, url, cancellationToken).ConfigureAwait(false);
        T? dto;
        try
        {
            dto = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException ex)
        {
            throw new InvalidResponseException($"The {path} list is not valid JSON of the expected shape ({ex.Message})", url, ex);
        }

        var (items, truncated) = dto switch
        {
            RegionListDto r => (r.Regions as object, r.Truncated),
            ServiceListDto s => (s.Services, s.Truncated),
            EndpointListDto e => (e.Endpoints, e.Truncated),
            _ => (null, null),
        };

        if (items is null)
        {
            throw new InvalidResponseException($"The answer has no '{path}' list", url);
        }

        if (truncated == true)
        {
            // A partial list would make a map that silently lacks regions.
            throw new InvalidResponseException($"Keystone truncated the {path} list (its list_limit); raise list_limit for {path} so the whole list is returned", url);
        }

        return (dto!, url);
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
