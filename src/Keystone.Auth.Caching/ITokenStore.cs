namespace Keystone.Auth.Caching;

/// <summary>
/// A token tier shared by processes (for example Redis), behind the
/// in-process <see cref="TokenCache"/>. Entries are opaque to the store: the
/// caller gives an exported token (bytes), the token string it stands for,
/// and the token's remaining life.
/// </summary>
/// <remarks>
/// Contract for implementations: no method throws because the store is
/// unreachable, slow or holds bad data; each answers a miss, <see langword="false"/>
/// or no lease instead, so a caller always falls back to its own fetch. Only
/// the caller's own cancellation surfaces, as <see cref="OperationCanceledException"/>.
/// </remarks>
public interface ITokenStore : IAsyncDisposable
{
    /// <summary>
    /// Raised when another process dropped a rejected token from the store:
    /// the receiver drops its in-process copy only if it is that same token
    /// (<see cref="TokenStoreKey.IsToken"/>), never a newer one. Raised on a
    /// store thread; handlers must be quick and must not throw.
    /// </summary>
    event Action<TokenStoreInvalidation>? Invalidated;

    /// <summary>The usable entry for <paramref name="key"/>, or <see langword="null"/>
    /// when there is none, the store is unreachable, or the entry is damaged,
    /// of another format version, or sealed with another key (those are
    /// logged, counted and ignored, never returned).</summary>
    Task<TokenStoreEntry?> GetAsync(TokenStoreKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores (replacing any entry) <paramref name="payload"/> for
    /// <paramref name="key"/>, to live exactly <paramref name="remainingLife"/>
    /// in the store, and tells waiting processes it is there.
    /// </summary>
    /// <param name="key">The entry's name and key.</param>
    /// <param name="token">The token string the payload carries; only a keyed hash of it is stored, for <see cref="RemoveIfMatchAsync"/>.</param>
    /// <param name="payload">The exported token; opaque to the store, stored encrypted.</param>
    /// <param name="remainingLife">How long the token stays usable from now; nothing is stored when it is not positive.</param>
    /// <param name="cancellationToken">Stops waiting for the store.</param>
    /// <returns>Whether the entry was stored.</returns>
    Task<bool> SetAsync(TokenStoreKey key, string token, ReadOnlyMemory<byte> payload, TimeSpan remainingLife, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the entry only if it still holds <paramref name="token"/>
    /// (atomically), and then tells every other process to drop its
    /// in-process copy of that token (<see cref="Invalidated"/>). A newer
    /// token stored meanwhile survives.
    /// </summary>
    /// <returns>Whether the entry was deleted.</returns>
    Task<bool> RemoveIfMatchAsync(TokenStoreKey key, string token, CancellationToken cancellationToken = default);

    /// <summary>
    /// Tries to become the one process that fetches a token for
    /// <paramref name="key"/>. The lease expires by itself after
    /// <paramref name="duration"/> (a crashed owner blocks nobody for longer);
    /// disposing it releases it early, and only the owner can.
    /// </summary>
    /// <returns>The lease, or <see langword="null"/> when another process holds it or the store is
    /// unreachable; either way the caller then calls <see cref="WaitForEntryAsync"/>, which
    /// returns at once when the store is unreachable.</returns>
    Task<IAsyncDisposable?> TryAcquireLeaseAsync(TokenStoreKey key, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits, at most <paramref name="timeout"/>, for the lease holder to store
    /// an entry for <paramref name="key"/>.
    /// </summary>
    /// <returns>The entry, or <see langword="null"/> when the wait ran out or
    /// the store is unreachable (the caller then fetches itself).</returns>
    Task<TokenStoreEntry?> WaitForEntryAsync(TokenStoreKey key, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>A usable entry read from an <see cref="ITokenStore"/>.</summary>
public sealed class TokenStoreEntry
{
    /// <summary>Creates an entry.</summary>
    public TokenStoreEntry(ReadOnlyMemory<byte> payload, TimeSpan remainingLife)
    {
        Payload = payload;
        RemainingLife = remainingLife;
    }

    /// <summary>The exported token, decrypted and authenticated.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// The token's remaining life as the store measured it when read (its
    /// time to live), so that the reader's clock never has to agree with the
    /// writer's.
    /// </summary>
    public TimeSpan RemainingLife { get; }

    /// <summary>Shows the sizes only; the payload holds a token.</summary>
    public override string ToString() => $"TokenStoreEntry({Payload.Length} bytes, {RemainingLife.TotalSeconds:0.###} s left)";
}

/// <summary>
/// News that a rejected token was dropped from the shared store: the entry's
/// name and a keyed hash of the token (useless to anyone without the
/// identity's key). Compare it with <see cref="TokenStoreKey.IsToken"/>.
/// </summary>
/// <param name="EntryName">The entry's name, as given to <see cref="TokenStoreKey"/>.</param>
/// <param name="TokenHash">The keyed hash of the dropped token.</param>
public readonly record struct TokenStoreInvalidation(string EntryName, ReadOnlyMemory<byte> TokenHash)
{
    /// <summary>Shows the entry name only.</summary>
    public override string ToString() => $"TokenStoreInvalidation({EntryName})";
}
