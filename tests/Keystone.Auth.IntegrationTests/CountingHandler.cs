using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// The bottom of a test's HttpClient (just above the socket): records every
/// request that really went out and what came back, independently of the
/// library's own counters. Tokens are kept only as short hashes.
/// </summary>
internal sealed class CountingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<HttpEvent> _events = new();
    private int _tokenPosts;
    private int _unauthorized;
    private int _requests;
    private Func<Task>? _beforeTokenPost;

    public CountingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public int Requests => Volatile.Read(ref _requests);

    public IReadOnlyList<HttpEvent> Events => [.. _events];

    /// <summary>Holds every token POST until <paramref name="gate"/> completes (before it reaches the server).</summary>
    public void HoldTokenPostsUntil(Func<Task> gate) => _beforeTokenPost = gate;

    public Snapshot Take() => new(TokenPosts, Unauthorized, Requests, _events.Count);

    /// <summary>The events recorded after <paramref name="since"/>, in completion order.</summary>
    public IReadOnlyList<HttpEvent> EventsSince(Snapshot since) => [.. _events.Skip(since.Events)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isTokenPost = request.Method == HttpMethod.Post
            && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal);
        if (isTokenPost)
        {
            Interlocked.Increment(ref _tokenPosts);
            if (_beforeTokenPost is { } gate)
            {
                await gate();
            }
        }

        Interlocked.Increment(ref _requests);
        var token = request.Headers.TryGetValues("X-Auth-Token", out var values) ? Hash(values.First()) : null;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            _events.Enqueue(new HttpEvent(request.Method.Method, request.RequestUri!.AbsolutePath, null, token, ex.GetType().Name));
            throw;
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Interlocked.Increment(ref _unauthorized);
        }

        _events.Enqueue(new HttpEvent(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, token, null));
        return response;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..12];

    public readonly record struct Snapshot(int TokenPosts, int Unauthorized, int Requests, int Events);
}

/// <summary>One request as it went out: method, path, status (or the exception type), and a hash of its X-Auth-Token.</summary>
internal sealed record HttpEvent(string Method, string Path, int? Status, string? TokenHash, string? Error)
{
    /// <summary>"GET 401", "POST 201", "GET HttpRequestException".</summary>
    public string Short => $"{Method} {(Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error)}";

    public override string ToString() => $"{Method} {Path} -> {Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error} token={TokenHash ?? "-"}";
}
