using System.Collections.Concurrent;
using System.Net;

namespace Keystone.Auth.Samples;

/// <summary>
/// Counts what goes on the wire below the library: token POSTs vs other calls,
/// and 401s. With <c>trace: true</c> it also writes down one line per request
/// (tokens only as a short fingerprint), so a demo can show what happened.
/// </summary>
internal sealed class WireCounter(bool trace = false)
{
    private readonly ConcurrentQueue<string>? _trace = trace ? new() : null;
    private int _tokenPosts;
    private int _calls;
    private int _unauthorized;

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    /// <summary>Requests other than token POSTs.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Every request: token POSTs and calls.</summary>
    public int Requests => TokenPosts + Calls;

    public int Unauthorized => Volatile.Read(ref _unauthorized);

    public int TraceLength => _trace?.Count ?? 0;

    /// <summary>The trace lines written after <paramref name="skip"/> lines.</summary>
    public IEnumerable<string> TraceFrom(int skip) => _trace?.Skip(skip) ?? [];

    /// <summary>A handler for an <c>IHttpClientFactory</c> pipeline (its inner handler is set by the factory).</summary>
    public DelegatingHandler CreateHandler() => new Handler(this);

    /// <summary>A handler over <paramref name="inner"/>, for a hand-made <see cref="HttpClient"/>.</summary>
    public DelegatingHandler CreateHandler(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

    /// <summary>The same short, non-reversible form as <c>AccessInfo.TokenFingerprint</c>.</summary>
    private static string Fingerprint(string token) =>
        "{SHA256}" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)))[..16];

    private sealed class Handler(WireCounter owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref owner._tokenPosts);
            }
            else
            {
                Interlocked.Increment(ref owner._calls);
            }

            var token = owner._trace is null ? null
                : request.Headers.TryGetValues("X-Auth-Token", out var values) ? "X-Auth-Token " + Fingerprint(values.First())
                : "no X-Auth-Token";
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Interlocked.Increment(ref owner._unauthorized);
            }

            owner._trace?.Enqueue($"{request.Method,-4} {request.RequestUri!.PathAndQuery,-22} -> {(int)response.StatusCode} {response.StatusCode,-12} {token}");
            return response;
        }
    }
}
