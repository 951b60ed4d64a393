namespace Keystone.Auth.Caching;

// The state the cache keeps per identity: slots, entries and token requests.
public sealed partial class TokenCache
{
    /// <summary>One identity's state. The hit path reads <see cref="Current"/> only.</summary>
    internal sealed class Slot(string key)
    {
        internal Entry? CurrentField;

        public string Key { get; } = key;

        public string KeyPrefix => PrefixOf(Key);

        /// <summary>The part of a key that logs show (8 hex digits of its HMAC).</summary>
        public static string PrefixOf(string key) => key.Length > 8 ? key[..8] : key;

        public Entry? Current
        {
            get => Volatile.Read(ref CurrentField);
            set => Volatile.Write(ref CurrentField, value);
        }

        private volatile Flight? _inFlight;

        /// <summary>
        /// The token request under way, if any. Set and cleared under
        /// <c>lock (slot)</c>; read without it only as a hint (background refresh).
        /// </summary>
        public Flight? InFlight
        {
            get => _inFlight;
            set => _inFlight = value;
        }

        /// <summary>
        /// After a failed background refresh: no other before this (cache-clock
        /// ticks). Written under <c>lock (slot)</c>; read without it as a hint.
        /// </summary>
        public long BackgroundRetryAtTicks { get; set; }

        /// <summary>Set once evicted; holders of this slot must look the key up again.</summary>
        public volatile bool Detached;

        private volatile TokenStoreKey? _storeKey;
        /// <summary>How many rejected tokens a slot remembers (a rotation rejects one; stale entries and late 401s a few more).</summary>
        private const int RejectedTokensKept = 8;

        private readonly object _rejectedLock = new();
        private string?[]? _rejected;
        private int _nextRejected;

        /// <summary>The shared-tier entry name and key, once derived (with a store only).</summary>
        public TokenStoreKey? StoreKey
        {
            get => _storeKey;
            set => _storeKey = value;
        }

        /// <summary>
        /// Remembers a token a service rejected here (or another process
        /// reported), so that it is never adopted from the shared tier again,
        /// even before its delete lands. Several are kept: a late 401 for an
        /// older token must not make the process forget a newer rejected one
        /// (that cost a fleet's callers their one retry after a key rotation).
        /// </summary>
        public void AddRejected(string token)
        {
            lock (_rejectedLock)
            {
                _rejected ??= new string?[RejectedTokensKept];
                if (Array.IndexOf(_rejected, token) < 0)
                {
                    _rejected[_nextRejected] = token;
                    _nextRejected = (_nextRejected + 1) % _rejected.Length;
                }
            }
        }

        /// <summary>Whether <paramref name="token"/> is one of the tokens remembered as rejected.</summary>
        public bool WasRejected(string token)
        {
            lock (_rejectedLock)
            {
                return _rejected is not null && Array.IndexOf(_rejected, token) >= 0;
            }
        }
    }

    /// <param name="Access">The token.</param>
    /// <param name="RefreshAtTicks">When to renew, UTC ticks of the cache's clock.</param>
    /// <param name="RefreshAtTickCount">The same instant on <see cref="Environment.TickCount64"/> (used with the system clock).</param>
    /// <param name="UsableUntilTickCount">On <see cref="Environment.TickCount64"/>, the last instant the token may be handed out (120 s before its local expiry; with the system clock).</param>
    internal sealed record Entry(AccessInfo Access, long RefreshAtTicks, long RefreshAtTickCount, long UsableUntilTickCount);

    /// <param name="starter">The plugin the request goes through.</param>
    /// <param name="background">Started ahead of expiry by a hit, with nobody waiting on it.</param>
    /// <param name="isRetry">The second request after a transport failure of one started through another plugin; not retried again.</param>
    internal sealed class Flight(IAuthPlugin starter, bool background = false, bool isRetry = false)
    {
        /// <summary>The plugin the request goes through.</summary>
        public IAuthPlugin Starter { get; } = starter;

        /// <summary>Started ahead of expiry by a hit, with nobody waiting on it.</summary>
        public bool Background { get; } = background;

        /// <summary>The second request after a transport failure (never retried again).</summary>
        public bool IsRetry { get; } = isRetry;

        /// <summary>The first waiter's plugin that is not <see cref="Starter"/> (under <c>lock (slot)</c>).</summary>
        public IAuthPlugin? Alternate { get; set; }

        /// <summary>
        /// Set (under <c>lock (slot)</c>, before <see cref="Completion"/> fails) when a
        /// transport failure is retried through <see cref="Alternate"/>: the request
        /// that waiters from other plugins follow instead of taking the error.
        /// </summary>
        public Flight? Retry { get; set; }

        // Waiters resume on the thread pool, not inline on the fetching thread.
        public TaskCompletionSource<AccessInfo> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }
}
