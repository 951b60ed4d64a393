namespace Keystone.Auth.Caching.Redis;

/// <summary>
/// The Lua scripts: each runs atomically in Redis, which is what
/// IDistributedCache cannot offer (no compare-and-delete, no set-if-absent).
/// </summary>
internal static class RedisScripts
{
    /// <summary>The value and its remaining life in ms, in one step (so they belong together); nil when absent.</summary>
    public const string GetWithTtl = """
        local v = redis.call('GET', KEYS[1])
        if not v then return false end
        return {v, redis.call('PTTL', KEYS[1])}
        """;

    /// <summary>Store with a TTL, then tell waiters (ARGV: value, ttl ms, channel, message).</summary>
    public const string SetAndNotify = """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>
    /// Delete only when the entry still holds that token: compares the token
    /// hash at bytes 2..33 of a version-ARGV[4] entry; when deleted, broadcast
    /// (ARGV: token hash, channel, message, version byte).
    /// </summary>
    public const string DeleteIfTokenAndBroadcast = """
        local v = redis.call('GET', KEYS[1])
        if v and string.byte(v, 1) == tonumber(ARGV[4]) and string.sub(v, 2, 33) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          return 1
        end
        return 0
        """;

    /// <summary>Release a lease only for its owner (ARGV: owner id).</summary>
    public const string ReleaseIfOwner = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;
}
