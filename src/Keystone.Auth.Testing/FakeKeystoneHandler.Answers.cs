using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keystone.Auth.Testing;

public sealed partial class FakeKeystoneHandler
{
    private async Task<HttpResponseMessage> IssueAsync(Uri uri, string? body, IReadOnlyList<string> methods, CancellationToken cancellationToken)
    {
        // Counted on arrival, before any delay or scripted failure: a test
        // asserts how many POSTs reached "Keystone", not how many succeeded.
        Interlocked.Increment(ref _tokenRequests);
        await DelayAsync(Interlocked.Read(ref _tokenDelayTicks), cancellationToken).ConfigureAwait(false);
        if (TakeFailure(_tokenFailures) is { } failure)
        {
            return Fail(failure, uri);
        }

        if (_options.Password is { } expected && methods.Contains("password")
            && !string.Equals(TokenRequestReader.Password(body), expected, StringComparison.Ordinal))
        {
            return KeystoneError(HttpStatusCode.Unauthorized, "Unauthorized", "The request you have made requires authentication.", null);
        }

        var builder = TokenTemplate;
        if (builder.Shape.Methods is null && methods.Count > 0)
        {
            builder = builder.WithMethods([.. methods]);
        }

        if (uri.Query.Contains("nocatalog", StringComparison.Ordinal))
        {
            builder = builder.WithoutCatalog();
        }

        var issued = builder.Build();
        lock (_gate)
        {
            _liveTokens[issued.TokenId] = issued.ExpiresAt;
            _lastIssued = issued;
        }

        Interlocked.Increment(ref _tokensIssued);
        return issued.CreateHttpResponse();
    }

    private async Task<HttpResponseMessage> ServeAsync(HttpRequestMessage request, string? authToken, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _serviceRequests);
        await DelayAsync(Interlocked.Read(ref _serviceDelayTicks), cancellationToken).ConfigureAwait(false);
        if (TakeFailure(_serviceFailures) is { } failure)
        {
            return Fail(failure, request.RequestUri!);
        }

        if (!TakeRejection() && IsLive(authToken))
        {
            return ServiceResponder?.Invoke(request) ?? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"ok\": true}", Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }

        Interlocked.Increment(ref _rejectedServiceRequests);
        return KeystoneError(HttpStatusCode.Unauthorized, "Unauthorized", "The request you have made requires authentication.", request);
    }

    private bool TakeRejection()
    {
        // A compare-exchange loop so that N scripted 401s are N answers, even
        // when more than N requests race for them.
        while (true)
        {
            var pending = Volatile.Read(ref _pendingRejections);
            if (pending == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _pendingRejections, pending - 1, pending) == pending)
            {
                return true;
            }
        }
    }

    private bool IsLive(string? token)
    {
        if (token is null)
        {
            return false;
        }

        lock (_gate)
        {
            return _liveTokens.TryGetValue(token, out var expires) && expires > Time.GetUtcNow();
        }
    }

    private static HttpResponseMessage Fail(Failure failure, Uri uri)
    {
        if (failure.IsConnect)
        {
            // What SocketsHttpHandler throws when nothing listens on the port.
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"Connection refused ({uri.IdnHost}:{uri.Port}) [scripted by FakeKeystoneHandler]",
                new SocketException((int)SocketError.ConnectionRefused));
        }

        return KeystoneError(failure.Status, failure.Status.ToString(), "Scripted failure from FakeKeystoneHandler.", null);
    }

    // Keystone's error body: {"error": {"code", "title", "message"}}.
    private static HttpResponseMessage KeystoneError(HttpStatusCode status, string title, string message, HttpRequestMessage? request)
    {
        var json = $"{{\"error\": {{\"code\": {(int)status}, \"title\": \"{title}\", \"message\": \"{message}\"}}}}";
        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
            RequestMessage = request,
        };
        if (status == HttpStatusCode.Unauthorized)
        {
            response.Headers.WwwAuthenticate.ParseAdd("Keystone uri=\"https://keystone.test/v3\"");
        }

        return response;
    }
}
