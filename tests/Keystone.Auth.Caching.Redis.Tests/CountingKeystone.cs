using System.Globalization;
using System.Net;
using System.Text;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>
/// An in-memory Keystone that answers every token POST with a new token
/// (unique per instance, so tests on one Redis never meet each other's tokens)
/// and counts them. POSTs can be held on a gate.
/// </summary>
internal sealed class CountingKeystone : HttpMessageHandler
{
    public const string AuthUrl = "https://keystone.test:5001/v3";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private int _posts;
    private volatile TaskCompletionSource? _gate;

    public int Posts => Volatile.Read(ref _posts);

    public string TokenNumber(int n) => $"tok-{_run}-{n}";

    public TaskCompletionSource Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A password identity unique to this test (the shared entry is derived from it).</summary>
    public static PasswordAuthOptions Identity(string password) => new()
    {
        AuthUrl = AuthUrl, Username = "dcmanager", UserDomainName = "Default", Password = password,
        ProjectName = "services", ProjectDomainName = "Default",
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _posts);
        if (_gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        var now = DateTimeOffset.UtcNow;
        var body = $$$"""
            {"token":{"methods":["password"],"user":{"id":"u1","name":"dcmanager","domain":{"id":"default","name":"Default"}},
              "project":{"id":"p1","name":"services","domain":{"id":"default","name":"Default"}},"roles":[{"id":"r1","name":"admin"}],
              "audit_ids":["a{{{n}}}"],"issued_at":"{{{Stamp(now)}}}","expires_at":"{{{Stamp(now.AddHours(1))}}}","catalog":[]}}
            """;
        var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", TokenNumber(n));
        return response;
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
