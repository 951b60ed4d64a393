using System.Diagnostics;
using System.Net;
using Keystone.Auth.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Http;

/// <summary>
/// The one implementation of "send with a token, and on rejection re-authenticate
/// once" (get a token, resolve the endpoint, send with the token, on a
/// rejection drop that token and resend a copy once), shared by <see cref="KeystoneSession"/> and
/// <see cref="KeystoneAuthHandler"/>; they differ only in how a request finally
/// goes out (<c>HttpClient.SendAsync</c> vs the next handler).
/// </summary>
internal sealed partial class AuthenticatedSender
{
    public const string AuthTokenHeader = "X-Auth-Token";

    private readonly IAuthPlugin _auth;
    private readonly KeystoneSessionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly bool _mayResend;

    // Written and read without a lock: a reader sees some complete entry or
    // null, and every entry is correct for its own key.
    private volatile ResolvedUrl? _lastResolved;

    public AuthenticatedSender(IAuthPlugin auth, KeystoneSessionOptions options, ILogger logger, TimeProvider time)
    {
        _auth = auth;
        _options = options;
        _logger = logger;
        _time = time;
        _mayResend = options.RetryOnTokenRejected || options.ConnectRetries > 0 || options.StatusCodeRetries > 0 || options.MaxRedirects > 0;
    }

    public IAuthPlugin Auth => _auth;

    /// <summary>Where retries are counted: the container's meter when made through DI, else the static one.</summary>
    public TokenMetrics Metrics { get; set; } = TokenMetrics.Shared;

    public KeystoneSessionOptions Options => _options;

    /// <summary>
    /// Sends <paramref name="request"/> with a token, following same-origin
    /// redirects; on a token-rejected status from the request's own origin
    /// invalidates exactly that token, gets a fresh one and resends a copy once.
    /// A second rejection is returned as is, never looped; the one exception is a
    /// resend whose token was imported from another holder (the shared tier), which
    /// may earn one more round.
    /// </summary>
    /// <remarks>
    /// <c>bufferFor</c> is the session's client: the response handed back is read
    /// whole within its timeout, as <see cref="HttpCompletionOption.ResponseContentRead"/>
    /// would, but only once it is known to be the caller's (a rejected answer is
    /// never read). Null for the handler, whose HttpClient does that itself.
    /// It returns a <see cref="ValueTask{TResult}"/>: the session awaits it, so a
    /// call that completes at once allocates no task here.
    /// </remarks>
    public async ValueTask<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        EndpointFilter? filter,
        Uri? baseAddress,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport,
        HttpClient? bufferFor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var requested = request.RequestUri ?? throw new ArgumentException("The request has no URL.", nameof(request));

        using var deadline = new TimeoutScope(_options.Timeout, cancellationToken);
        Uri? target = requested.IsAbsoluteUri ? requested : null;
        try
        {
            // 1. a token (cache hit: synchronous, no allocation)
            var access = await _auth.GetAccessAsync(deadline.Token).ConfigureAwait(false);

            // 2. where to send it
            target = await ResolveAsync(requested, access, filter, baseAddress, deadline.Token).ConfigureAwait(false);
            request.RequestUri = target;
            ApplyDefaultHeaders(request);
            RequestIds.Apply(request);
            if (_mayResend)
            {
                RequestReplay.Prepare(request, _options);
            }

            // 3. send it with the token (same-origin redirects followed here, never below)
            SetToken(request, access);
            var response = await SendWithRetriesAsync(request, transport, deadline).ConfigureAwait(false);
            var foreign = false;
            if (MustFollow(response, request.Method, target, access))
            {
                (response, foreign) = await FollowRedirectsAsync(request, response, access, transport, deadline).ConfigureAwait(false);
            }

            // 4. rejected? drop that token (only that one), get another, resend once
            if (!_options.RetryOnTokenRejected || !_options.TokenRejectedStatusCodes.Contains(response.StatusCode))
            {
                return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
            }

            var status = (int)response.StatusCode;
            if (foreign)
            {
                // Another origin's 401 says nothing about our token, and a fresh
                // token must never be fetched for a place it may not go.
                Log.ForeignRejection(_logger, request.Method, Redirects.Display(target), status);
                return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
            }

            if (!RequestReplay.CanResend(request.Content))
            {
                Log.ReauthNotPossible(_logger, request.Method, target, status, "its body cannot be sent twice (BufferRequestContent is false, or it is larger than MaxBufferedContentBytes)");
                return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
            }

            // A token another process shared (AccessInfo.Import) may be one that
            // died before anyone here saw it refused: its rejection does not spend
            // the one retry. At most one such extra round, so this never loops.
            var rounds = 0;
            while (true)
            {
                if (!_auth.Invalidate(access))
                {
                    Log.ReauthNotPossible(_logger, request.Method, target, status, "the auth plugin cannot re-authenticate");
                    return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
                }

                Log.TokenRejected(_logger, request.Method, target, status, access.TokenFingerprint);
                Metrics.ReauthRetries.Add(1, new KeyValuePair<string, object?>("status", status));
                Activity.Current?.AddEvent(new ActivityEvent("keystone.token_rejected"));

                // Not read: its body may be large, and nobody will look at it.
                response.Dispose();
                rounds++;

                var fresh = await _auth.GetAccessAsync(deadline.Token).ConfigureAwait(false);

                // A relative request is resolved again: the new token's catalog may
                // differ (endpoints moved), and the resend should follow it.
                target = await ResolveAsync(requested, fresh, filter, baseAddress, deadline.Token).ConfigureAwait(false);
                var resend = RequestReplay.Copy(request, target);
                SetToken(resend, fresh);
                response = await SendWithRetriesAsync(resend, transport, deadline).ConfigureAwait(false);
                if (MustFollow(response, resend.Method, target, fresh))
                {
                    (response, _) = await FollowRedirectsAsync(resend, response, fresh, transport, deadline).ConfigureAwait(false);
                }
                if (!_options.TokenRejectedStatusCodes.Contains(response.StatusCode))
                {
                    return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
                }

                if (rounds > 1 || !fresh.IsImported || fresh.Token == access.Token || !RequestReplay.CanResend(request.Content))
                {
                    Log.RejectedAfterReauth(_logger, resend.Method, target, (int)response.StatusCode, fresh.TokenFingerprint);
                    return await HandOverAsync(response, bufferFor, target, deadline).ConfigureAwait(false);
                }

                access = fresh;
                status = (int)response.StatusCode;
            }
        }
        catch (Exception ex) when (deadline.Classify(ex, target ?? requested) is { } typed)
        {
            throw typed;
        }
    }

    private void ApplyDefaultHeaders(HttpRequestMessage request)
    {
        // Enumerating through IDictionary boxes the enumerator: skip it when empty.
        if (_options.DefaultHeaders.Count > 0)
        {
            foreach (var header in _options.DefaultHeaders)
            {
                if (!request.Headers.Contains(header.Key))
                {
                    request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        if (_options.UserAgent is { } agent && request.Headers.UserAgent.Count == 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", agent);
        }
    }

    private static void SetToken(HttpRequestMessage request, AccessInfo access)
    {
        request.Headers.Remove(AuthTokenHeader);
        request.Headers.TryAddWithoutValidation(AuthTokenHeader, access.Token);
    }
}
