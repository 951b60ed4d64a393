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

    /// <summary>Step 2 alone: the base URL a relative request would go to.</summary>
    public ValueTask<string> ResolveBaseAsync(AccessInfo access, EndpointFilter? filter, Uri? baseAddress, CancellationToken cancellationToken)
    {
        if (_options.EndpointOverride is { } endpointOverride)
        {
            return new ValueTask<string>(Substitute(endpointOverride, access));
        }

        if (filter is not null)
        {
            return _options.EndpointResolver is { } resolver
                ? resolver.ResolveAsync(filter, access, cancellationToken)
                : new ValueTask<string>(access.Catalog.GetEndpoint(filter));
        }

        if (baseAddress is not null)
        {
            return new ValueTask<string>(baseAddress.AbsoluteUri);
        }

        throw new ArgumentException(
            "A relative request URL needs an EndpointFilter, KeystoneSessionOptions.EndpointOverride or HttpClient.BaseAddress to resolve against.",
            nameof(filter));
    }

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

    private ValueTask<HttpResponseMessage> SendWithRetriesAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport,
        TimeoutScope deadline)
    {
        // The defaults (no transient retries, nothing logged at Trace) send once:
        // no state machine of its own, which is a tenth of a fast send.
        return _options.ConnectRetries == 0 && _options.StatusCodeRetries == 0 && !_logger.IsEnabled(LogLevel.Trace)
            ? new ValueTask<HttpResponseMessage>(transport(request, deadline.Token))
            : SendWithRetriesCoreAsync(request, transport, deadline);
    }

    private async ValueTask<HttpResponseMessage> SendWithRetriesCoreAsync(
        HttpRequestMessage request,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport,
        TimeoutScope deadline)
    {
        var connectAttempts = 0;
        var statusAttempts = 0;
        var current = request;
        while (true)
        {
            // A clock read costs 25-80 ns on VMs: pay it only when it is logged.
            var timed = _logger.IsEnabled(LogLevel.Trace);
            var started = timed ? _time.GetTimestamp() : 0;
            HttpResponseMessage response;
            try
            {
                response = await transport(current, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (connectAttempts < _options.ConnectRetries
                && RequestReplay.CanResend(current.Content)
                && deadline.Classify(ex, current.RequestUri) is ConnectFailureException or ConnectTimeoutException)
            {
                connectAttempts++;
                var delay = Backoff(connectAttempts, null);
                Log.TransientRetry(_logger, current.Method, current.RequestUri, delay.TotalMilliseconds, connectAttempts, ex.GetType().Name);
                Metrics.TransientRetries.Add(1, new KeyValuePair<string, object?>("reason", "connect"));
                await Task.Delay(delay, _time, deadline.Token).ConfigureAwait(false);
                current = CopyWithToken(current);
                continue;
            }

            if (timed)
            {
                Log.RequestCompleted(_logger, current.Method, current.RequestUri, response.StatusCode, _time.GetElapsedTime(started).TotalMilliseconds);
            }

            if (statusAttempts < _options.StatusCodeRetries
                && _options.RetriableStatusCodes.Contains(response.StatusCode)
                && (IsIdempotent(current.Method) || _options.RetryNonIdempotent)
                && RequestReplay.CanResend(current.Content))
            {
                statusAttempts++;
                var delay = Backoff(statusAttempts, ErrorResponse.RetryAfter(response, _time));
                Log.TransientRetry(_logger, current.Method, current.RequestUri, delay.TotalMilliseconds, statusAttempts, $"status {(int)response.StatusCode}");
                Metrics.TransientRetries.Add(1, new KeyValuePair<string, object?>("reason", "status"));
                response.Dispose();
                await Task.Delay(delay, _time, deadline.Token).ConfigureAwait(false);
                current = CopyWithToken(current);
                continue;
            }

            return response;
        }
    }

    /// <summary>
    /// Exponential backoff from <see cref="KeystoneSessionOptions.RetryDelay"/>,
    /// capped, with jitter in [50 %, 100 %] so that thousands of clients do not
    /// retry in step. A server's <c>Retry-After</c> wins (capped too).
    /// </summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var max = _options.MaxRetryDelay;
        if (retryAfter is { } asked)
        {
            return asked > max ? max : asked;
        }

        var exponential = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, max.TotalMilliseconds);
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
#pragma warning restore CA5394
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    private ValueTask<Uri> ResolveAsync(Uri requested, AccessInfo access, EndpointFilter? filter, Uri? baseAddress, CancellationToken cancellationToken)
    {
        ReadOnlySpan<char> path;
        string? placeholder = null;
        if (!requested.IsAbsoluteUri)
        {
            path = requested.OriginalString;
        }
        else if (_lastResolved is { Placeholder: { } seen } last && string.Equals(seen, requested.OriginalString, StringComparison.Ordinal))
        {
            // The handler's usual call: HttpClient made a new Uri on the catalog
            // placeholder, but with the same text as last time, so its path is known.
            path = last.Path;
        }
        else if (KeystoneAuthHandler.TryGetCatalogPath(requested, out path))
        {
            placeholder = requested.OriginalString;
        }
        else
        {
            return new ValueTask<Uri>(requested);
        }

        // A resolver that answers at once (the catalog, a loaded map) costs no state machine.
        var root = ResolveBaseAsync(access, filter, baseAddress, cancellationToken);
        return root.IsCompletedSuccessfully
            ? new ValueTask<Uri>(Join(root.Result, path, placeholder))
            : AwaitJoin(this, root, path.ToString(), placeholder);

        static async ValueTask<Uri> AwaitJoin(AuthenticatedSender sender, ValueTask<string> pending, string path, string? placeholder) =>
            sender.Join(await pending.ConfigureAwait(false), path, placeholder);
    }

    /// <summary>
    /// keystoneauth's join, <c>base.rstrip('/') + '/' + path.lstrip('/')</c>, of
    /// a relative URL or the handler's catalog placeholder's path. The same
    /// endpoint and path as last time give the same URL: Uri is immutable, so the
    /// last one is reused (the catalog memoizes its last answer too, so the root
    /// is usually the very same string). <paramref name="placeholder"/> is the
    /// placeholder URL the path was read from, kept so the next one with the same
    /// text is not read again.
    /// </summary>
    private Uri Join(string root, ReadOnlySpan<char> path, string? placeholder)
    {
        if (_lastResolved is { } last && last.Matches(root, path))
        {
            if (placeholder is not null && !string.Equals(placeholder, last.Placeholder, StringComparison.Ordinal))
            {
                _lastResolved = new ResolvedUrl(last.Root, last.Path, last.Uri, placeholder);
            }

            return last.Uri;
        }

        var resolved = new Uri(string.Concat(root.AsSpan().TrimEnd('/'), "/", path.TrimStart('/')), UriKind.Absolute);
        _lastResolved = new ResolvedUrl(root, path.ToString(), resolved, placeholder);
        return resolved;
    }

    /// <summary>One joined URL, what it was joined from, and the placeholder URL that path came from, if any.</summary>
    private sealed class ResolvedUrl(string root, string path, Uri uri, string? placeholder)
    {
        public string Root { get; } = root;

        public string Path { get; } = path;

        public Uri Uri { get; } = uri;

        public string? Placeholder { get; } = placeholder;

        public bool Matches(string otherRoot, ReadOnlySpan<char> otherPath) =>
            (ReferenceEquals(Root, otherRoot) || string.Equals(Root, otherRoot, StringComparison.Ordinal))
            && otherPath.SequenceEqual(Path);
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

    /// <summary>A transient retry resends with the same token: <c>RequestReplay.Copy</c> drops it, and a request must never go out without one.</summary>
    private static HttpRequestMessage CopyWithToken(HttpRequestMessage request)
    {
        var copy = RequestReplay.Copy(request, request.RequestUri!);
        if (request.Headers.TryGetValues(AuthTokenHeader, out var token))
        {
            copy.Headers.TryAddWithoutValidation(AuthTokenHeader, token);
        }

        return copy;
    }

    private static void SetToken(HttpRequestMessage request, AccessInfo access)
    {
        request.Headers.Remove(AuthTokenHeader);
        request.Headers.TryAddWithoutValidation(AuthTokenHeader, access.Token);
    }

    private static string Substitute(string template, AccessInfo access)
    {
        if (template.Contains("%(project_id)s", StringComparison.Ordinal))
        {
            var projectId = access.Project?.Id ?? throw new InvalidOptionsException(
                nameof(KeystoneSessionOptions), ["EndpointOverride uses %(project_id)s but the token is not scoped to a project"]);
            template = template.Replace("%(project_id)s", projectId, StringComparison.Ordinal);
        }

        if (template.Contains("%(user_id)s", StringComparison.Ordinal))
        {
            var userId = access.User?.Id ?? throw new InvalidOptionsException(
                nameof(KeystoneSessionOptions), ["EndpointOverride uses %(user_id)s but the token has no user"]);
            template = template.Replace("%(user_id)s", userId, StringComparison.Ordinal);
        }

        return template;
    }
}
