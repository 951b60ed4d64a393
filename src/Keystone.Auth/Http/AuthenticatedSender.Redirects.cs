using System.Diagnostics;
using Keystone.Auth.Diagnostics;

namespace Keystone.Auth.Http;

/// <summary>
/// Redirects and hand-over: the token goes only to the origin the request was
/// built for. The library follows same-origin redirects itself (bounded, RFC
/// 9110 method rules); another origin is refused, or with
/// <see cref="KeystoneSessionOptions.FollowCrossOriginRedirects"/> reached
/// without any credentials header. A handler below that followed a redirect on
/// its own is caught by the response's request URI.
/// </summary>
internal sealed partial class AuthenticatedSender
{
    /// <summary>
    /// Whether <paramref name="response"/>, the answer to a request sent to
    /// <paramref name="sent"/>, is a redirect to follow. Checked inline after each
    /// send: the usual answer is not one, and then no redirect loop (an async
    /// method, a box when the I/O is async) is entered at all.
    /// </summary>
    private bool MustFollow(HttpResponseMessage response, HttpMethod method, Uri sent, AccessInfo? carried)
    {
        DetectRedirectBelow(response, method, sent, carried);
        return _options.MaxRedirects > 0 && Redirects.IsRedirect(response.StatusCode) && response.Headers.Location is not null;
    }

    /// <summary>
    /// Follows the redirect <paramref name="response"/> (the answer to
    /// <paramref name="request"/>) and those after it, same origin only.
    /// </summary>
    /// <returns>The final response, and whether it came from another origin than the request's.</returns>
    private async ValueTask<(HttpResponseMessage Response, bool Foreign)> FollowRedirectsAsync(
        HttpRequestMessage request,
        HttpResponseMessage response,
        AccessInfo access,
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> transport,
        TimeoutScope deadline)
    {
        var origin = request.RequestUri!;
        var current = request;
        var foreign = false;
        for (var hops = 0; ; hops++)
        {
            var sent = current.RequestUri!;
            if (hops > 0)
            {
                response = await SendWithRetriesAsync(current, transport, deadline).ConfigureAwait(false);
                if (!MustFollow(response, current.Method, sent, foreign ? null : access))
                {
                    return (response, foreign);
                }
            }

            var location = response.Headers.Location!;
            var next = location.IsAbsoluteUri ? location : new Uri(sent, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                // Not a place an HTTP client goes (HttpClient ignores these too): the caller sees the 3xx.
                return (response, foreign);
            }

            // User information in a Location is a server's to give, not ours to send
            // on or to show in logs and messages: the next request goes without it.
            if (next.UserInfo.Length > 0)
            {
                next = new Uri(Redirects.Display(next));
            }

            var status = response.StatusCode;
            if (hops >= _options.MaxRedirects)
            {
                response.Dispose();
                throw new KeystoneRedirectException(
                    $"{current.Method} {Redirects.Display(origin)} was redirected more than {_options.MaxRedirects} times (KeystoneSessionOptions.MaxRedirects); the last one pointed to {Redirects.Display(next)}",
                    new Uri(Redirects.Display(sent)), Redirects.Origin(next), status);
            }

            var crossing = !Redirects.SameOrigin(next, origin);
            if (crossing && !_options.FollowCrossOriginRedirects)
            {
                var nextOrigin = Redirects.Origin(next);
                Log.CrossOriginRedirectRefused(_logger, current.Method, Redirects.Display(sent), (int)status, nextOrigin.AbsoluteUri);
                response.Dispose();
                throw new KeystoneRedirectException(
                    $"{current.Method} {Redirects.Display(sent)} answered {(int)status} redirecting to another origin, {nextOrigin.AbsoluteUri}; the token is never sent there, so the redirect was not followed (set KeystoneSessionOptions.FollowCrossOriginRedirects to follow it without the token)",
                    new Uri(Redirects.Display(sent)), nextOrigin, status);
            }

            var (method, keepBody) = Redirects.Next(current.Method, status);
            keepBody &= current.Content is not null;
            if (keepBody && !RequestReplay.CanResend(current.Content))
            {
                Log.RedirectNotReplayable(_logger, current.Method, Redirects.Display(sent), (int)status, Redirects.Display(next));
                return (response, foreign);
            }

            // Once the chain has left the origin, no later hop gets the token back:
            // a chain that returns is still a chain someone else steered.
            foreign |= crossing;
            var copy = RequestReplay.Copy(current, next, method, keepBody);
            if (foreign)
            {
                Redirects.StripCredentials(copy);
            }
            else
            {
                SetToken(copy, access);
            }

            Log.FollowingRedirect(_logger, current.Method, Redirects.Display(sent), (int)status, Redirects.Display(next), method, !foreign);

            // Not read: a redirect's body is for browsers.
            response.Dispose();
            current = copy;
        }
    }

    /// <summary>
    /// A handler below that follows redirects itself (<c>AllowAutoRedirect</c>, the
    /// default of <c>new HttpClient()</c>) has already sent the token wherever the
    /// server pointed: the request it answers for is not the one we sent. The
    /// token is dropped (compare-and-remove) and the call refused.
    /// </summary>
    private void DetectRedirectBelow(HttpResponseMessage response, HttpMethod method, Uri sent, AccessInfo? carried)
    {
        // The usual case is the very Uri object we set: no comparison, no allocation.
        if (response.RequestMessage?.RequestUri is not { } reached || ReferenceEquals(reached, sent)
            || !reached.IsAbsoluteUri || Redirects.SameOrigin(reached, sent))
        {
            return;
        }

        var reachedOrigin = Redirects.Origin(reached);
        response.Dispose();
        if (carried is not null)
        {
            Log.RedirectFollowedBelow(_logger, method, Redirects.Display(sent), reachedOrigin.AbsoluteUri, carried.TokenFingerprint);
            _auth.Invalidate(carried);
        }

        throw new KeystoneRedirectException(
            $"{method} {Redirects.Display(sent)} was redirected to {reachedOrigin.AbsoluteUri} by the HttpClient's own handler, which follows redirects (AllowAutoRedirect); the token it carried was dropped. Use a handler with AllowAutoRedirect = false, e.g. KeystoneTransport.CreateHandler",
            new Uri(Redirects.Display(sent)), reachedOrigin, null);
    }

    /// <summary>
    /// What <see cref="KeystoneSessionOptions.RaiseOnError"/> raises: 4xx/5xx, as
    /// keystoneauth's <c>raise_exc</c>. A 3xx the library did not follow (e.g. a
    /// 307 whose body cannot be sent again) is an answer, not an error.
    /// </summary>
    public static bool IsError(System.Net.HttpStatusCode status) => (int)status >= 400;

    /// <summary>The response goes to the caller: for the session, read it whole now (see <c>bufferFor</c>).</summary>
    private ValueTask<HttpResponseMessage> HandOverAsync(HttpResponseMessage response, HttpClient? bufferFor, Uri target, TimeoutScope deadline)
    {
        RequestIds.Record(response, Activity.Current);

        // An error the session raises is read (at most 64 KiB) by the session itself.
        if (bufferFor is null || (_options.RaiseOnError && IsError(response.StatusCode)))
        {
            return new ValueTask<HttpResponseMessage>(response);
        }

        return BufferAsync(response, bufferFor, target, deadline);
    }

    private static async ValueTask<HttpResponseMessage> BufferAsync(HttpResponseMessage response, HttpClient client, Uri target, TimeoutScope deadline)
    {
#if NET9_0_OR_GREATER
        var load = response.Content.LoadIntoBufferAsync(client.MaxResponseContentBufferSize, deadline.Token);
#else
        var load = response.Content.LoadIntoBufferAsync(client.MaxResponseContentBufferSize);
#endif
        if (load.IsCompletedSuccessfully)
        {
            return response;
        }

        // HttpClient.Timeout covers only the headers of a ResponseHeadersRead
        // send, so the body gets the same bound again here.
        var timeout = client.Timeout;
        try
        {
            await (timeout == Timeout.InfiniteTimeSpan ? load.WaitAsync(deadline.Token) : load.WaitAsync(timeout, deadline.Token)).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex)
        {
            // Disposing aborts a read still in flight; its own failure is then of no interest.
            response.Dispose();
            _ = load.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (ex is TimeoutException)
            {
                throw new KeystoneTimeoutException(target, timeout, ex);
            }

            throw;
        }
    }
}
