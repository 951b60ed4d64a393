using Keystone.Auth.Diagnostics;
using Keystone.Auth.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth;

/// <summary>
/// Sends authenticated requests to OpenStack services: adds <c>X-Auth-Token</c>,
/// resolves relative URLs through the service catalog (or an endpoint
/// override), and when the token is rejected (401) drops exactly that token,
/// authenticates again and resends the request once. Thread-safe; share one
/// per identity.
/// </summary>
/// <remarks>
/// The session does not own the <see cref="HttpClient"/> or the auth plugin;
/// disposing it only stops further use.
/// </remarks>
public sealed class KeystoneSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly AuthenticatedSender _sender;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _transport;
    private volatile bool _disposed;

    /// <summary>Creates a session.</summary>
    /// <param name="auth">Where tokens come from (usually a <c>CachingPasswordAuth</c>).</param>
    /// <param name="httpClient">The client requests go through; not disposed by the session.</param>
    /// <param name="options">Session settings; copied, so later changes have no effect.</param>
    /// <param name="logger">Optional logger; tokens appear only as fingerprints.</param>
    /// <param name="timeProvider">The clock for retry delays; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidOptionsException">The options are inconsistent.</exception>
    public KeystoneSession(IAuthPlugin auth, HttpClient httpClient, KeystoneSessionOptions? options = null, ILogger<KeystoneSession>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(httpClient);
        var snapshot = (options ?? new KeystoneSessionOptions()).Clone();
        var failures = snapshot.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(KeystoneSessionOptions), failures);
        }

        _http = httpClient;
        _sender = new AuthenticatedSender(auth, snapshot, (ILogger?)logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        // Headers first: a rejected answer or a redirect is disposed unread; the
        // answer handed to the caller is then read whole, as before.
        _transport = (request, ct) => _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>The auth plugin tokens come from.</summary>
    public IAuthPlugin Auth => _sender.Auth;

    /// <summary>Counts this session's retries on <paramref name="metrics"/> (the DI container's meter).</summary>
    internal KeystoneSession UseMetrics(TokenMetrics metrics)
    {
        _sender.Metrics = metrics;
        return this;
    }

    /// <summary>A token valid now, with its catalog, user, scope and roles.</summary>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sender.Auth.GetAccessAsync(cancellationToken);
    }

    /// <summary>
    /// The URL of the endpoint <paramref name="filter"/> selects, or the endpoint
    /// override when one is set. The session's <see cref="KeystoneSessionOptions.EndpointResolver"/>
    /// (default: the token's catalog) answers.
    /// </summary>
    /// <exception cref="EndpointNotFoundException">The catalog has no such endpoint.</exception>
    public async ValueTask<string> GetEndpointAsync(EndpointFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var access = await GetAccessAsync(cancellationToken).ConfigureAwait(false);
        return await _sender.ResolveBaseAsync(access, filter, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="request"/> with a token. A relative URL is joined to
    /// the endpoint override, else the catalog endpoint <paramref name="endpointFilter"/>
    /// selects, else <see cref="HttpClient.BaseAddress"/>; an absolute URL is sent as is.
    /// </summary>
    /// <remarks>
    /// Redirects within the request's origin are followed here, with the token, up
    /// to <see cref="KeystoneSessionOptions.MaxRedirects"/>; the token never goes to
    /// another origin. A 3xx that is not followed is returned, not raised.
    /// </remarks>
    /// <exception cref="KeystoneHttpException">A 4xx/5xx answer while <see cref="KeystoneSessionOptions.RaiseOnError"/> is true.</exception>
    /// <exception cref="KeystoneRedirectException">A redirect to another origin, too many redirects, or the client's own handler followed one.</exception>
    /// <exception cref="KeystoneException">No token, no endpoint, or the transport failed.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var response = await _sender.SendAsync(request, endpointFilter, _http.BaseAddress, _transport, _http, cancellationToken).ConfigureAwait(false);
        if (!_sender.Options.RaiseOnError || !AuthenticatedSender.IsError(response.StatusCode))
        {
            return response;
        }

        using (response)
        {
            var target = response.RequestMessage?.RequestUri ?? request.RequestUri;

            // The error body was not read yet: a stalled one must not hold the caller
            // beyond the client's timeout (which covered it under ResponseContentRead).
            using var bodyDeadline = new TimeoutScope(_http.Timeout, cancellationToken);
            try
            {
                throw await ErrorResponse.ToExceptionAsync(response, request.Method, target, false, bodyDeadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new KeystoneHttpException(response.StatusCode, request.Method, target, requestId: ErrorResponse.RequestId(response));
            }
        }
    }

    /// <summary>GET <paramref name="url"/> (relative to the selected endpoint, or absolute).</summary>
    public Task<HttpResponseMessage> GetAsync(string url, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, ToUri(url)), endpointFilter, cancellationToken);

    /// <summary>DELETE <paramref name="url"/>.</summary>
    public Task<HttpResponseMessage> DeleteAsync(string url, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, ToUri(url)), endpointFilter, cancellationToken);

    /// <summary>POST <paramref name="content"/> to <paramref name="url"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, HttpContent? content, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, ToUri(url)) { Content = content }, endpointFilter, cancellationToken);

    /// <summary>PUT <paramref name="content"/> to <paramref name="url"/>.</summary>
    public Task<HttpResponseMessage> PutAsync(string url, HttpContent? content, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Put, ToUri(url)) { Content = content }, endpointFilter, cancellationToken);

    /// <summary>PATCH <paramref name="content"/> to <paramref name="url"/>.</summary>
    public Task<HttpResponseMessage> PatchAsync(string url, HttpContent? content, EndpointFilter? endpointFilter = null, CancellationToken cancellationToken = default) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Patch, ToUri(url)) { Content = content }, endpointFilter, cancellationToken);

    /// <summary>Stops further use of the session. The HttpClient and plugin are not disposed.</summary>
    public void Dispose() => _disposed = true;

    private static Uri ToUri(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new Uri(url, UriKind.RelativeOrAbsolute);
    }
}
