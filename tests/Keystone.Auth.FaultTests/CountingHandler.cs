namespace Keystone.Auth.FaultTests;

/// <summary>
/// Counts requests as they enter the HTTP pipeline. The count moves
/// synchronously when a send starts, before any byte reaches the server, so a
/// test can tell "nothing was sent" without waiting to see if something arrives.
/// </summary>
public sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _sends;

    public int Sends => Volatile.Read(ref _sends);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        return base.SendAsync(request, cancellationToken);
    }
}
