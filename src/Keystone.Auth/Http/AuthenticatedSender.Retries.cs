using Keystone.Auth.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Http;

/// <summary>
/// Transient retries (<see cref="KeystoneSessionOptions.ConnectRetries"/>,
/// <see cref="KeystoneSessionOptions.StatusCodeRetries"/>): the same request
/// again, with the same token, after a backoff. The token-rejection resend is
/// not one of these; it is the sender's own step 4.
/// </summary>
internal sealed partial class AuthenticatedSender
{
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
}
