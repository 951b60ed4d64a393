namespace Keystone.Auth.Samples;

/// <summary>Counts what goes on the wire below the library: token POSTs vs other calls.</summary>
internal sealed class WireCounter
{
    private int _tokenPosts;
    private int _calls;

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    public int Calls => Volatile.Read(ref _calls);

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(WireCounter owner) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref owner._tokenPosts);
            }
            else
            {
                Interlocked.Increment(ref owner._calls);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
