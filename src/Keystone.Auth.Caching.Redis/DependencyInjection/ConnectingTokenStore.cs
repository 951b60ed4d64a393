using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Caching.Redis.DependencyInjection;

/// <summary>
/// The container's store: starts <see cref="RedisTokenStore.ConnectAsync(RedisTokenStoreOptions, ILogger?, CancellationToken)"/>
/// when created and forwards to it once connected, so that resolving it (and
/// so starting the host) never waits for Redis. Calls made before the first
/// connection attempt ends wait for it (bounded by the connect timeout);
/// a store that could not be made at all answers misses.
/// </summary>
internal sealed class ConnectingTokenStore : ITokenStore, IDisposable
{
    private readonly Task<RedisTokenStore?> _connecting;

    public ConnectingTokenStore(RedisTokenStoreOptions options, ILogger? logger, IMeterFactory? meterFactory = null)
    {
        _connecting = ConnectAsync(options, logger, meterFactory);
    }

    public event Action<TokenStoreInvalidation>? Invalidated;

    public async Task<TokenStoreEntry?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default) =>
        await StoreAsync(cancellationToken).ConfigureAwait(false) is { } store ? await store.GetAsync(key, cancellationToken).ConfigureAwait(false) : null;

    public async Task<bool> SetAsync(TokenStoreKey key, string token, ReadOnlyMemory<byte> payload, TimeSpan remainingLife, CancellationToken cancellationToken = default) =>
        await StoreAsync(cancellationToken).ConfigureAwait(false) is { } store && await store.SetAsync(key, token, payload, remainingLife, cancellationToken).ConfigureAwait(false);

    public async Task<bool> RemoveIfMatchAsync(TokenStoreKey key, string token, CancellationToken cancellationToken = default) =>
        await StoreAsync(cancellationToken).ConfigureAwait(false) is { } store && await store.RemoveIfMatchAsync(key, token, cancellationToken).ConfigureAwait(false);

    public async Task<IAsyncDisposable?> TryAcquireLeaseAsync(TokenStoreKey key, TimeSpan duration, CancellationToken cancellationToken = default) =>
        await StoreAsync(cancellationToken).ConfigureAwait(false) is { } store ? await store.TryAcquireLeaseAsync(key, duration, cancellationToken).ConfigureAwait(false) : null;

    public async Task<TokenStoreEntry?> WaitForEntryAsync(TokenStoreKey key, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await StoreAsync(cancellationToken).ConfigureAwait(false) is { } store ? await store.WaitForEntryAsync(key, timeout, cancellationToken).ConfigureAwait(false) : null;

    public async ValueTask DisposeAsync()
    {
        if (await _connecting.ConfigureAwait(false) is { } store)
        {
            store.Invalidated -= Forward;
            await store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For containers disposed synchronously; waits for the connection attempt to end (bounded by its timeout).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task<RedisTokenStore?> StoreAsync(CancellationToken cancellationToken) =>
        _connecting.IsCompleted ? _connecting : _connecting.WaitAsync(cancellationToken);

    private async Task<RedisTokenStore?> ConnectAsync(RedisTokenStoreOptions options, ILogger? logger, IMeterFactory? meterFactory)
    {
        // Off the resolving thread: nothing of the connection happens on it.
        await Task.Yield();
        try
        {
            var store = await RedisTokenStore.ConnectAsync(options, logger, meterFactory, CancellationToken.None).ConfigureAwait(false);
            store.Invalidated += Forward;
            return store;
        }
#pragma warning disable CA1031 // options are validated at start-up; anything else only costs sharing
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (logger is not null)
            {
                ConnectLog.NotCreated(logger, ex.GetType().Name);
            }

            return null;
        }
    }

    private void Forward(TokenStoreInvalidation invalidation) => Invalidated?.Invoke(invalidation);
}

/// <summary>Log line of the container's store.</summary>
internal static partial class ConnectLog
{
    [LoggerMessage(320, LogLevel.Warning, "The shared token store could not be created ({ErrorType}); every process asks Keystone for its own tokens")]
    public static partial void NotCreated(ILogger logger, string errorType);
}
