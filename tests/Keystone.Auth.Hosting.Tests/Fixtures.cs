using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Hosting.Tests;

internal static class Fixtures
{
    public const string Password = "pa55-Secret-Do-Not-Leak";

    /// <summary>A project-scoped token body whose identity endpoints point at <paramref name="identityUrl"/>.</summary>
    public static string TokenBody(string identityUrl = "https://10.10.10.2:5001/v3") => $$$"""
    {"token":{
      "methods":["password"],
      "user":{"domain":{"id":"default","name":"Default"},"id":"u-1","name":"dcmanager"},
      "audit_ids":["aud-1"],
      "expires_at":"2099-01-01T00:00:00.000000Z",
      "issued_at":"2025-01-01T00:00:00.000000Z",
      "project":{"domain":{"id":"default","name":"Default"},"id":"p-1","name":"services"},
      "roles":[{"id":"r-1","name":"admin"}],
      "catalog":[
        {"endpoints":[
           {"id":"e1","interface":"public","region_id":"RegionOne","url":"{{{identityUrl}}}","region":"RegionOne"},
           {"id":"e2","interface":"admin","region_id":"RegionOne","url":"{{{identityUrl}}}","region":"RegionOne"}],
         "id":"s-1","type":"identity","name":"keystone"},
        {"endpoints":[
           {"id":"e3","interface":"internal","region_id":"RegionOne","url":"http://10.10.10.2:6385/v1","region":"RegionOne"},
           {"id":"e4","interface":"admin","region_id":"subcloud1","url":"http://192.168.204.2:6385/v1","region":"subcloud1"},
           {"id":"e5","interface":"internal","region_id":"subcloud1","url":"http://192.168.204.2:6385/v1i","region":"subcloud1"}],
         "id":"s-2","type":"platform","name":"sysinv"}
      ]}}
    """;

    public static HttpResponseMessage TokenResponse(string token, string? body = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent(body ?? TokenBody(), Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", token);
        return response;
    }

    /// <summary>
    /// A fake cloud: token POSTs to 10.9.9.9 are refused (a wrong-password identity),
    /// other token POSTs get the next of <paramref name="tokens"/>, and every other
    /// request is answered by <paramref name="service"/>.
    /// </summary>
    public static Func<HttpRequestMessage, HttpResponseMessage> Cloud(IEnumerable<string> tokens, Func<HttpRequestMessage, HttpResponseMessage> service)
    {
        var queue = new Queue<string>(tokens);
        return r =>
        {
            if (!CountingHandler.IsTokenPost(r))
            {
                return service(r);
            }

            if (r.RequestUri!.Host == "10.9.9.9")
            {
                return Unauthorized();
            }

            lock (queue)
            {
                return TokenResponse(queue.Dequeue());
            }
        };
    }

    /// <summary>A fake cloud: every token POST gets <paramref name="token"/>, every other request 200.</summary>
    public static Func<HttpRequestMessage, HttpResponseMessage> CloudWithToken(string token) =>
        r => CountingHandler.IsTokenPost(r) ? TokenResponse(token) : new HttpResponseMessage(HttpStatusCode.OK);

    /// <summary>
    /// A fake cloud of many Keystones: a token POST to host H gets <c>tok-H</c> and a
    /// catalog whose identity endpoints are on H; every other request 200.
    /// </summary>
    public static Func<HttpRequestMessage, HttpResponseMessage> CloudPerHost() =>
        r => CountingHandler.IsTokenPost(r)
            ? TokenResponse("tok-" + r.RequestUri!.Host, TokenBody($"https://{r.RequestUri.Host}:5001/v3"))
            : new HttpResponseMessage(HttpStatusCode.OK);

    public static HttpResponseMessage Unauthorized() => new(HttpStatusCode.Unauthorized)
    {
        Content = new StringContent("""{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}""", Encoding.UTF8, "application/json"),
    };

    public static Dictionary<string, string?> KeystoneSection(string prefix = "Keystone") => new()
    {
        [prefix + ":AuthUrl"] = "https://10.10.10.2:5001/v3",
        [prefix + ":Username"] = "dcmanager",
        [prefix + ":UserDomainName"] = "Default",
        [prefix + ":Password"] = Password,
        [prefix + ":ProjectName"] = "services",
        [prefix + ":ProjectDomainName"] = "Default",
    };
}

/// <summary>An HTTP handler answering with a delegate and counting token POSTs and other calls itself.</summary>
internal sealed class CountingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    private int _tokenPosts;
    private int _calls;

    public ConcurrentQueue<(string Method, string Url, string? Token)> Requests { get; } = new();

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    public int Calls => Volatile.Read(ref _calls);

    public static bool IsTokenPost(HttpRequestMessage r) =>
        r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsTokenPost(request))
        {
            Interlocked.Increment(ref _tokenPosts);
        }
        else
        {
            Interlocked.Increment(ref _calls);
        }

        var token = request.Headers.TryGetValues("X-Auth-Token", out var values) ? values.Single() : null;
        Requests.Enqueue((request.Method.Method, request.RequestUri!.AbsoluteUri, token));
        var response = respond(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}

/// <summary>Keeps every formatted log line (and exception text) written through it.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public string AllText() => string.Join("\n", Lines.Select(l => $"{l.Category} {l.Level} {l.Message}"));

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Lines.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception)));
        }
    }
}
