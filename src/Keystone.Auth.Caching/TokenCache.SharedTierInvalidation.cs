using Keystone.Auth.Caching.Diagnostics;

namespace Keystone.Auth.Caching;

// The shared tier's invalidation (ours and other processes'), and the bounded,
// never-throwing wrapper every store call goes through.
public sealed partial class TokenCache
{
    /// <summary>
    /// A rejected token leaves the shared tier too (compare-and-delete, which
    /// tells the other processes), in the background: the caller's retry never
    /// waits for the store. This process remembers the token so that it never
    /// adopts it from the store again, even before the delete lands
    /// (<see cref="Slot.AddRejected"/>).
    /// </summary>
    private void InvalidateShared(Slot? slot, IAuthPlugin inner, AccessInfo access)
    {
        if (_options.Store is not { } store || inner is not ISharedTokenIdentity shared || slot is null)
        {
            return;
        }

        slot.AddRejected(access.Token);
        var token = access.Token;
        _ = Task.Run(async () =>
        {
            if (StoreKeyOf(slot, shared) is { } key)
            {
                await CallStoreAsync("remove", slot, ct => store.RemoveIfMatchAsync(key, token, ct), _options.StoreWaitTimeout, CancellationToken.None).ConfigureAwait(false);
            }
        });
    }

    /// <summary>
    /// Another process dropped a rejected token from the store: drop this
    /// process's copy only if it is that same token (compare-and-remove).
    /// Runs on a store thread; quick and never throws.
    /// </summary>
    private void OnStoreInvalidated(TokenStoreInvalidation invalidation)
    {
        var result = "not_held";
        try
        {
            if (invalidation.EntryName is { } name && _byEntryName.TryGetValue(name, out var slot)
                && slot.StoreKey is { } key && slot.Current is { } entry && key.IsToken(invalidation, entry.Access.Token))
            {
                slot.AddRejected(entry.Access.Token);
                result = ReferenceEquals(Interlocked.CompareExchange(ref slot.CurrentField, null, entry), entry) ? "removed" : "already_replaced";
            }
        }
#pragma warning disable CA1031 // an event handler on the store's thread must not throw
        catch (Exception)
#pragma warning restore CA1031
        {
            result = "error";
        }

        _telemetry.RemoteInvalidations.Add(1, new KeyValuePair<string, object?>("result", result));
        CacheLog.RemoteInvalidation(_logger, result);
    }

    /// <summary>
    /// One store call, bounded by <paramref name="bound"/> whatever the store
    /// does with cancellation. Only the deadline's cancellation surfaces; any
    /// other fault is counted, logged and answered with <c>Ok = false</c>.
    /// </summary>
    private async Task<(bool Ok, T? Value)> CallStoreAsync<T>(string operation, Slot slot, Func<CancellationToken, Task<T>> call, TimeSpan bound, CancellationToken deadline)
    {
        Task<T>? task = null;
        try
        {
            task = call(deadline);
            return (true, await task.WaitAsync(bound, deadline).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Observe(task);
            throw;
        }
#pragma warning disable CA1031 // the store never fails a call: every fault means "ask Keystone"
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Observe(task);
            Fallback(operation, slot, ex);
            return (false, default);
        }
    }

    private void Fallback(string operation, Slot slot, Exception ex)
    {
        _telemetry.StoreFallbacks.Add(1, new KeyValuePair<string, object?>("reason", operation));
        CacheLog.StoreFallback(_logger, operation, slot.KeyPrefix, ex.GetType().Name);
    }

    private static void Observe(Task? task) =>
        _ = task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
