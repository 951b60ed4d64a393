using System.Collections.Concurrent;

namespace QuickStart;

/// <summary>
/// Sits just above the sockets and writes down every request that really goes
/// out, so the demo can show what the library did on the wire. Tokens appear
/// only as the library's short fingerprint.
/// </summary>
internal sealed class RequestCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<string> _trace = new();
    private int _tokenPosts;
    private int _requests;
    private int _unauthorized;

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    public int Requests => Volatile.Read(ref _requests);

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    /// <summary>The trace lines written after <paramref name="skip"/> lines.</summary>
    public IEnumerable<string> TraceFrom(int skip) => _trace.Skip(skip);

    public int TraceLength => _trace.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isTokenPost = request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal);
        if (isTokenPost)
        {
            Interlocked.Increment(ref _tokenPosts);
        }

        Interlocked.Increment(ref _requests);
        var token = request.Headers.TryGetValues("X-Auth-Token", out var values)
            ? "X-Auth-Token " + Fingerprint(values.First())
            : "no X-Auth-Token";
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            Interlocked.Increment(ref _unauthorized);
        }

        _trace.Enqueue($"{request.Method,-4} {request.RequestUri!.PathAndQuery,-22} -> {(int)response.StatusCode} {response.StatusCode,-12} {token}");
        return response;
    }

    /// <summary>The same short, non-reversible form as <c>AccessInfo.TokenFingerprint</c>.</summary>
    public static string Fingerprint(string token) =>
        "{SHA256}" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..16];
}
