namespace Keystone.Auth.Caching.Redis;

/// <summary>Options of <see cref="RedisTokenStore"/>.</summary>
public sealed class RedisTokenStoreOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, for example
    /// <c>127.0.0.1:6379,password=...</c>; <c>user=</c> (ACL user),
    /// <c>ssl=true</c>, <c>sslHost=</c> and the other standard keywords work
    /// as usual. Never logged (it may hold a password). Required.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>
    /// Put before every key and channel name, so that the store's keys can be
    /// told apart and an ACL user can be limited to them
    /// (<c>~keystone-auth:* &amp;keystone-auth:*</c>). Default <c>keystone-auth:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "keystone-auth:";

    /// <summary>How long one connection attempt may take (default 2 s). Wins over the configuration string's <c>connectTimeout</c>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one store call may take before it counts as a failure and the
    /// caller gets a miss (default 500 ms). Wins over the configuration
    /// string's <c>asyncTimeout</c>/<c>syncTimeout</c>.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Consecutive failed calls that open the circuit breaker (default 3):
    /// while it is open the store is not called at all, so a dead Redis costs
    /// nothing per call.
    /// </summary>
    public int BreakerFailureThreshold { get; set; } = 3;

    /// <summary>How long the breaker stays open before one call probes Redis again (default 5 s).</summary>
    public TimeSpan BreakerOpenDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// While waiting for another process's token, how often the entry is read
    /// again in case its "stored" notification was lost (default 250 ms).
    /// </summary>
    public TimeSpan WaitPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The failures of these options, each naming its option; empty when they are usable.</summary>
    internal List<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            failures.Add("Configuration is required (a StackExchange.Redis configuration string such as \"127.0.0.1:6379,password=...\")");
        }

        if (KeyPrefix is null || KeyPrefix.Length > 100 || KeyPrefix.Any(char.IsWhiteSpace))
        {
            failures.Add("KeyPrefix must be at most 100 characters without spaces");
        }

        Positive(failures, nameof(ConnectTimeout), ConnectTimeout, TimeSpan.FromMinutes(5));
        Positive(failures, nameof(OperationTimeout), OperationTimeout, TimeSpan.FromMinutes(5));
        Positive(failures, nameof(BreakerOpenDuration), BreakerOpenDuration, TimeSpan.FromHours(1));
        Positive(failures, nameof(WaitPollInterval), WaitPollInterval, TimeSpan.FromMinutes(1));
        if (BreakerFailureThreshold < 1)
        {
            failures.Add($"BreakerFailureThreshold must be at least 1 (got {BreakerFailureThreshold})");
        }

        return failures;
    }

    private static void Positive(List<string> failures, string name, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"{name} must be more than 0 and at most {max} (got {value})");
        }
    }
}
