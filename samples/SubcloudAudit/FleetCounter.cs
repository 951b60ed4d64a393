using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SubcloudAudit;

/// <summary>Counts below the library, on the wire: what Keystone really saw from this process.</summary>
internal sealed class FleetCounter
{
    private readonly ConcurrentDictionary<string, byte> _tokens = new();
    private int _calls;
    private int _failures;
    private int _tokenPosts;
    private int _unauthorized;

    /// <summary>The requests of the current call, for the report of a failed one.</summary>
    public static readonly AsyncLocal<List<string>?> Trail = new();

    /// <summary>Short fingerprints of every token sent as X-Auth-Token (never the tokens).</summary>
    public ICollection<string> Tokens => _tokens.Keys;

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

    public void Succeeded() => Interlocked.Increment(ref _calls);

    public void Failed()
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Increment(ref _failures);
    }

    public Snapshot Take() => new(Volatile.Read(ref _calls), Volatile.Read(ref _failures), Volatile.Read(ref _tokenPosts), Volatile.Read(ref _unauthorized));

    private sealed class Handler(FleetCounter owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref owner._tokenPosts);
            }

            var sent = request.Method.Method;
            if (request.Headers.TryGetValues("X-Auth-Token", out var values))
            {
                sent = Fingerprint(values.First());
                owner._tokens.TryAdd(sent, 0);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (Trail.Value is { } trail)
            {
                lock (trail)
                {
                    trail.Add($"{sent}:{(int)response.StatusCode}");
                }
            }

            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                Interlocked.Increment(ref owner._unauthorized);
            }

            return response;
        }

        private static string Fingerprint(string token) =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];
    }
}
