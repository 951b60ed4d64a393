using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Caching.Tests.TestSupport;

/// <summary>
/// An in-memory Keystone: answers every token POST with a new token
/// ("tok-1", "tok-2", ...) and counts them, per user too. POSTs can be held on
/// a gate so that tests decide exactly when a fetch completes. Everything that
/// is not a token POST goes to <see cref="Service"/>.
/// </summary>
internal sealed class TokenServer : HttpMessageHandler
{
    public const string AuthUrl = "https://keystone.test:5001/v3";

    private readonly FakeTimeProvider _time;
    private readonly ConcurrentDictionary<string, int> _postsByUser = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlightByUser = new(StringComparer.Ordinal);
    private int _posts;
    private int _maxInFlightPerUser;
    private volatile TaskCompletionSource? _gate;

    public TokenServer(FakeTimeProvider time) => _time = time;

    /// <summary>Token POSTs received so far (held ones included).</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>The most token POSTs for one user that were ever in the handler at the same time.</summary>
    public int MaxInFlightPerUser => Volatile.Read(ref _maxInFlightPerUser);

    /// <summary>Token POSTs for <paramref name="user"/> in the handler now (held ones included).</summary>
    public int InFlightFor(string user) => _inFlightByUser.TryGetValue(user, out var n) ? n : 0;

    /// <summary>Lifetime of the tokens issued, by user name.</summary>
    public Func<string, TimeSpan> Lifetime { get; set; } = _ => TimeSpan.FromHours(1);

    /// <summary>
    /// Called with the 1-based POST number: return an error response, or throw
    /// (a transport failure), or return null to issue a token.
    /// </summary>
    public Func<int, HttpResponseMessage?>? Fault { get; set; }

    /// <summary>The JSON catalog put into tokens.</summary>
    public string CatalogJson { get; set; } = "[]";

    /// <summary>Answers requests that are not token POSTs (service calls).</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? Service { get; set; }

    public int PostsFor(string user) => _postsByUser.TryGetValue(user, out var n) ? n : 0;

    /// <summary>From now on token POSTs wait until the returned gate is completed.</summary>
    public TaskCompletionSource HoldPosts()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = gate;
        return gate;
    }

    /// <summary>Releases held POSTs and stops holding new ones.</summary>
    public void Release()
    {
        var gate = _gate;
        _gate = null;
        gate?.TrySetResult();
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string message)
    {
        var body = JsonSerializer.Serialize(new { error = new { code = (int)status, message, title = status.ToString() } });
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || !request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
        {
            return Service is { } service
                ? await service(request, cancellationToken)
                : new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var user = await UserOfAsync(request, cancellationToken);
        var number = Interlocked.Increment(ref _posts);
        _postsByUser.AddOrUpdate(user, 1, static (_, n) => n + 1);
        var inFlight = _inFlightByUser.AddOrUpdate(user, 1, static (_, n) => n + 1);
        RaiseMax(inFlight);
        try
        {
            if (_gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return Fault?.Invoke(number) ?? TokenResponse(number, user);
        }
        finally
        {
            _inFlightByUser.AddOrUpdate(user, 0, static (_, n) => n - 1);
        }
    }

    private HttpResponseMessage TokenResponse(int number, string user)
    {
        var now = _time.GetUtcNow();
        var name = JsonEncodedText.Encode(user).ToString();
        var body = $$$"""
            {"token":{"methods":["password"],
              "user":{"id":"id-{{{name}}}","name":"{{{name}}}","domain":{"id":"default","name":"Default"}},
              "project":{"id":"p-1","name":"services","domain":{"id":"default","name":"Default"}},
              "roles":[{"id":"r-1","name":"admin"}],
              "audit_ids":["aud-{{{number}}}"],
              "issued_at":"{{{Stamp(now)}}}",
              "expires_at":"{{{Stamp(now + Lifetime(user))}}}",
              "catalog":{{{CatalogJson}}}}}
            """;
        var response = new HttpResponseMessage(HttpStatusCode.Created)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", "tok-" + number.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    private static string Stamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The user name (or id) in the request body: the identity the POST is for.</summary>
    private static async Task<string> UserOfAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bytes = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
        using var json = JsonDocument.Parse(bytes);
        var user = json.RootElement.GetProperty("auth").GetProperty("identity").GetProperty("password").GetProperty("user");
        return user.TryGetProperty("name", out var name) ? name.GetString()! : user.GetProperty("id").GetString()!;
    }

    private void RaiseMax(int value)
    {
        var seen = Volatile.Read(ref _maxInFlightPerUser);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref _maxInFlightPerUser, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
