using System.Text;
using Keystone.Auth.Caching.Redis.Diagnostics;
using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis;

public sealed partial class RedisTokenStore
{
    /// <inheritdoc />
    public async Task<TokenStoreEntry?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (_, entry) = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            _telemetry.Misses.Add(1);
        }
        else
        {
            _telemetry.Hits.Add(1);
        }

        return entry;
    }

    /// <inheritdoc />
    public async Task<bool> SetAsync(TokenStoreKey key, string token, ReadOnlyMemory<byte> payload, TimeSpan remainingLife, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var ttl = (long)remainingLife.TotalMilliseconds;
        if (ttl < 1)
        {
            // an expired token is never shared
            return false;
        }

        var hash = new byte[EntryFormat.HashSize];
        key.HashToken(token, hash);
        var value = EntryFormat.Seal(key, hash, payload.Span);
        var (ok, _) = await TryRunAsync(
            "set",
            db => db.ScriptEvaluateAsync(
                RedisScripts.SetAndNotify,
                [EntryKey(key)],
                [value, ttl, (RedisValue)_storedChannel.ToString(), key.EntryName]),
            cancellationToken).ConfigureAwait(false);
        return ok;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveIfMatchAsync(TokenStoreKey key, string token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(token);
        var hash = new byte[EntryFormat.HashSize];
        key.HashToken(token, hash);
        var (ok, result) = await TryRunAsync(
            "remove",
            db => db.ScriptEvaluateAsync(
                RedisScripts.DeleteIfTokenAndBroadcast,
                [EntryKey(key)],
                [hash, (RedisValue)_invalidatedChannel.ToString(), InvalidationMessage(key.EntryName, hash), (int)EntryFormat.Version]),
            cancellationToken).ConfigureAwait(false);
        var removed = ok && !result.IsNull && (long)result == 1;
        if (removed)
        {
            _telemetry.Invalidations.Add(1, StoreTelemetry.Tag("direction", "sent"));
        }

        return removed;
    }

    /// <summary>
    /// Reads and opens the entry. <c>Reached</c> says whether Redis answered
    /// (false: unavailable or breaker open), so a waiter can stop early.
    /// </summary>
    private async Task<(bool Reached, TokenStoreEntry? Entry)> ReadAsync(TokenStoreKey key, CancellationToken cancellationToken)
    {
        var (ok, result) = await TryRunAsync(
            "get",
            db => db.ScriptEvaluateAsync(RedisScripts.GetWithTtl, [EntryKey(key)]),
            cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            return (false, null);
        }

        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return (true, null);
        }

        var parts = (RedisResult[])result!;
        if (parts.Length != 2)
        {
            return (true, null);
        }

        var ttlMs = (long)parts[1];
        var value = (byte[]?)parts[0];
        if (value is null || ttlMs <= 0)
        {
            // no expiry (-1) means someone else wrote it: ours always have one
            if (value is not null)
            {
                Ignore(key, "no_expiry");
            }

            return (true, null);
        }

        var rejection = EntryFormat.TryOpen(key, value, out var payload);
        if (rejection != EntryFormat.Rejection.None)
        {
            Ignore(key, EntryFormat.ReasonTag(rejection));
            return (true, null);
        }

        return (true, new TokenStoreEntry(payload, TimeSpan.FromMilliseconds(ttlMs)));
    }

    private void Ignore(TokenStoreKey key, string reason)
    {
        _telemetry.IgnoredEntries.Add(1, StoreTelemetry.Tag("reason", reason));
        StoreLog.IgnoredEntry(_logger, key.EntryName, reason);
    }

    /// <summary><c>version(1) | tokenHash(32) | entryName(UTF-8)</c>.</summary>
    private static byte[] InvalidationMessage(string entryName, byte[] hash)
    {
        var name = Encoding.UTF8.GetBytes(entryName);
        var message = new byte[1 + hash.Length + name.Length];
        message[0] = EntryFormat.Version;
        hash.CopyTo(message, 1);
        name.CopyTo(message, 1 + hash.Length);
        return message;
    }

    private void OnInvalidated(RedisValue message)
    {
        var bytes = (byte[]?)message;
        if (bytes is null || bytes.Length <= 1 + EntryFormat.HashSize || bytes[0] != EntryFormat.Version)
        {
            StoreLog.BadMessage(_logger, "invalidated");
            return;
        }

        string name;
        try
        {
            name = new UTF8Encoding(false, true).GetString(bytes, 1 + EntryFormat.HashSize, bytes.Length - 1 - EntryFormat.HashSize);
        }
        catch (DecoderFallbackException)
        {
            StoreLog.BadMessage(_logger, "invalidated");
            return;
        }

        _telemetry.Invalidations.Add(1, StoreTelemetry.Tag("direction", "received"));
        var handlers = Invalidated;
        if (handlers is null)
        {
            return;
        }

        var notice = new TokenStoreInvalidation(name, bytes.AsMemory(1, EntryFormat.HashSize));
        foreach (var handler in handlers.GetInvocationList().Cast<Action<TokenStoreInvalidation>>())
        {
            try
            {
                handler(notice);
            }
#pragma warning disable CA1031 // a subscriber's bug must not stop the others or the subscription
            catch (Exception ex)
#pragma warning restore CA1031
            {
                StoreLog.OperationFailed(_logger, "invalidated handler", ex.GetType().Name);
            }
        }
    }
}
