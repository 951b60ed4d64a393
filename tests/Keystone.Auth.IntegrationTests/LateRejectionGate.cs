using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Makes the worst order of a key rotation happen every time: the first 401
/// for a token goes through (it starts the re-authentication), and every later
/// 401 for that same token is held until a request with another token has gone
/// out, i.e. until the new token is in the cache. Those callers then report a
/// token that is no longer the cached one: a cache that drops whatever is
/// cached, instead of comparing first, throws the new token away and POSTs again.
/// </summary>
internal sealed class LateRejectionGate(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly TimeSpan s_maxHold = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _newTokenSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _rejected;
    private int _held;

    /// <summary>How many 401s were held until the new token was out.</summary>
    public int Held => Volatile.Read(ref _held);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = request.Headers.TryGetValues("X-Auth-Token", out var values) ? values.First() : null;
        if (token is not null && Volatile.Read(ref _rejected) is { } rejected && token != rejected)
        {
            _newTokenSent.TrySetResult();
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized && token is not null
            && Interlocked.CompareExchange(ref _rejected, token, null) is { } first && first == token)
        {
            Interlocked.Increment(ref _held);
            await _newTokenSent.Task.WaitAsync(s_maxHold, cancellationToken);
        }

        return response;
    }
}
