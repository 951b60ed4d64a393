namespace Keystone.Auth.Caching.Tests.TestSupport;

/// <summary>
/// A plugin in front of a real <see cref="PasswordAuth"/> that can hold each
/// request on a gate which ignores cancellation: a plugin that never returns
/// unless the test says so. Counts the requests the cache started through it
/// and keeps the cancellation token each one was given.
/// </summary>
internal sealed class GatedPlugin(PasswordAuth inner) : IAuthPlugin
{
    private readonly List<TaskCompletionSource> _gates = [];
    private readonly List<CancellationToken> _tokens = [];
    private int _calls;

    /// <summary>Requests started through this plugin.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>While true, each new request waits on its own gate (deaf to cancellation).</summary>
    public bool Hold { get; set; } = true;

    /// <summary>The cancellation token the request number <paramref name="call"/> (1-based) was given.</summary>
    public CancellationToken TokenOf(int call)
    {
        lock (_tokens)
        {
            return _tokens[call - 1];
        }
    }

    /// <summary>Lets the held request number <paramref name="call"/> (1-based) go on to Keystone.</summary>
    public void Release(int call)
    {
        lock (_gates)
        {
            _gates[call - 1].TrySetResult();
        }
    }

    public async ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Hold)
        {
            gate.SetResult();
        }

        lock (_gates)
        {
            _gates.Add(gate);
        }

        lock (_tokens)
        {
            _tokens.Add(cancellationToken);
        }

        Interlocked.Increment(ref _calls);

        // Deliberately not WaitAsync(cancellationToken): this plugin never gives up by itself.
        await gate.Task;
        return await inner.GetAccessAsync(CancellationToken.None);
    }

    public bool Invalidate(AccessInfo access) => inner.Invalidate(access);

    public string? GetCacheId() => inner.GetCacheId();
}
