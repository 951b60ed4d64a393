namespace Keystone.Auth.Http;

/// <summary>
/// One request's deadline, linked to the caller's token, covering everything
/// from connect to the last byte of the body. Knows whether it was the deadline
/// or the caller that cancelled, so the error can say which. A struct: without
/// a timeout it is just the caller's token, and a request costs no allocation.
/// </summary>
internal readonly struct TimeoutScope : IDisposable
{
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _cts;
    private readonly TimeSpan? _timeout;

    public TimeoutScope(TimeSpan? timeout, CancellationToken callerToken)
    {
        _callerToken = callerToken;
        if (timeout is { } t && t > TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timeout = t;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            _cts.CancelAfter(t);
        }
    }

    /// <summary>The token to pass down: cancelled by the caller or by the deadline.</summary>
    public CancellationToken Token => _cts?.Token ?? _callerToken;

    /// <summary>The typed error for <paramref name="ex"/>, or null to rethrow it unchanged.</summary>
    public Exception? Classify(Exception ex, Uri? uri) => TransportErrors.Classify(ex, uri, _cts, _timeout, _callerToken);

    public void Dispose() => _cts?.Dispose();
}
