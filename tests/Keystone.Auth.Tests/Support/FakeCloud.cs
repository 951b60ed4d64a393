using System.Net;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>One request as it reached the HTTP layer, captured while it was in flight.</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    byte[]? Body)
{
    public bool IsTokenPost => Method == HttpMethod.Post && Uri.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal);

    public string? Token => Header("X-Auth-Token");

    public string? BodyText => Body is null ? null : Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public static async Task<RecordedRequest> CaptureAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        string? contentType = null;
        byte[]? body = null;
        if (request.Content is { } content)
        {
            foreach (var header in content.Headers)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }

            contentType = content.Headers.ContentType?.MediaType;

            // Read now: the token request body is zeroed once it has been sent.
            body = await content.ReadAsByteArrayAsync(cancellationToken);
        }

        return new RecordedRequest(request.Method, request.RequestUri!, headers, contentType, body);
    }
}

/// <summary>
/// A mocked Keystone plus the services of its catalog, at the HTTP layer: token
/// POSTs are answered with <c>tok-1</c>, <c>tok-2</c>, ... (or a custom answer);
/// other requests get the queued answers in order, then 200. Every request is
/// recorded, so tests count token POSTs and resends here, never through the
/// library's own counters.
/// </summary>
internal sealed class FakeCloud : HttpMessageHandler
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Queue<Func<RecordedRequest, HttpResponseMessage>> _serviceReplies = new();
    private int _issued;

    /// <summary>The token body for the n-th token POST (1-based).</summary>
    public Func<int, string> TokenBody { get; set; } = _ => Fixtures.ProjectScopedBody;

    /// <summary>The token value for the n-th token POST (1-based).</summary>
    public Func<int, string> TokenValue { get; set; } = n => $"tok-{n}";

    /// <summary>Replaces the whole token answer (status, headers, body) when set.</summary>
    public Func<RecordedRequest, HttpResponseMessage>? TokenReply { get; set; }

    /// <summary>Runs inside every request before it is answered (e.g. to move a fake clock).</summary>
    public Action<RecordedRequest>? OnRequest { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> TokenPosts => Requests.Where(r => r.IsTokenPost).ToArray();

    public IReadOnlyList<RecordedRequest> ServiceCalls => Requests.Where(r => !r.IsTokenPost).ToArray();

    public string[] ServiceTokens => ServiceCalls.Select(r => r.Token ?? "(none)").ToArray();

    public FakeCloud ThenService(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? edit = null) =>
        ThenService(_ =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            edit?.Invoke(response);
            return response;
        });

    public FakeCloud ThenService(Func<RecordedRequest, HttpResponseMessage> reply)
    {
        lock (_gate)
        {
            _serviceReplies.Enqueue(reply);
        }

        return this;
    }

    public FakeCloud ThenUnauthorized(string body = Fixtures.UnauthorizedBody) => ThenService(HttpStatusCode.Unauthorized, body);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var recorded = await RecordedRequest.CaptureAsync(request, cancellationToken);
        OnRequest?.Invoke(recorded);
        HttpResponseMessage response;
        lock (_gate)
        {
            _requests.Add(recorded);
            if (recorded.IsTokenPost)
            {
                if (TokenReply is { } reply)
                {
                    response = reply(recorded);
                }
                else
                {
                    var n = ++_issued;
                    response = Fixtures.TokenResponse(TokenValue(n), TokenBody(n));
                }
            }
            else
            {
                response = _serviceReplies.Count > 0
                    ? _serviceReplies.Dequeue()(recorded)
                    : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
            }
        }

        response.RequestMessage = request;
        return response;
    }
}

/// <summary>A handler that fails the test if anything is sent through it.</summary>
internal sealed class NoCallsHandler : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        throw new Xunit.Sdk.XunitException($"No HTTP call was expected, got {request.Method} {request.RequestUri}");
    }
}
