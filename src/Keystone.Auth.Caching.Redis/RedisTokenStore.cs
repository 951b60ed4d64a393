using System.Diagnostics.Metrics;
using System.Net;
using Keystone.Auth.Caching.Redis.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis;

/// <summary>
/// The shared token tier on Redis: entries encrypted with a key derived from
/// the identity's secret, time to live = the token's remaining life,
/// compare-and-delete invalidation broadcast on pub/sub, and a cross-process
/// lease so that one process in the fleet fetches while the others wait.
/// </summary>
/// <remarks>
/// No method throws because of Redis: down, slow, flapping, wrong password or
/// bad data all give a miss, <see langword="false"/> or no lease, bounded by
/// <see cref="RedisTokenStoreOptions.OperationTimeout"/>; after
/// <see cref="RedisTokenStoreOptions.BreakerFailureThreshold"/> failures in a
/// row Redis is not called at all until a probe after
/// <see cref="RedisTokenStoreOptions.BreakerOpenDuration"/> succeeds.
/// </remarks>
public sealed partial class RedisTokenStore : ITokenStore
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly RedisTokenStoreOptions _options;
    private readonly ILogger _logger;
    private readonly CircuitBreaker _breaker;
    private readonly string? _password;
    private readonly RedisChannel _invalidatedChannel;
    private readonly RedisChannel _storedChannel;
    private readonly StoreTelemetry _telemetry;
    private string _lastError = "none";
    private int _disposed;

    private RedisTokenStore(ConnectionMultiplexer redis, RedisTokenStoreOptions options, ILogger logger, string? password, StoreTelemetry telemetry)
    {
        _telemetry = telemetry;
        _redis = redis;
        _db = redis.GetDatabase();
        _options = options;
        _logger = logger;
        _password = password;
        _invalidatedChannel = RedisChannel.Literal(options.KeyPrefix + "invalidated");
        _storedChannel = RedisChannel.Literal(options.KeyPrefix + "stored");
        _breaker = new CircuitBreaker(options.BreakerFailureThreshold, options.BreakerOpenDuration, TimeProvider.System);
        _breaker.StateChanged += OnBreakerChanged;
    }

    /// <inheritdoc />
    public event Action<TokenStoreInvalidation>? Invalidated;

    /// <summary>Whether the circuit breaker is open now (Redis is being skipped).</summary>
    public bool IsBreakerOpen => _breaker.IsOpen;

    /// <summary>Connects to Redis; see <see cref="ConnectAsync(RedisTokenStoreOptions, ILogger?, CancellationToken)"/>.</summary>
    public static Task<RedisTokenStore> ConnectAsync(RedisTokenStoreOptions options, CancellationToken cancellationToken = default)
        => ConnectAsync(options, logger: null, cancellationToken);

    /// <summary>
    /// Connects to Redis. Succeeds even when Redis is down or refuses the
    /// credentials (logged as a warning, without the password): the store
    /// then answers misses and keeps reconnecting in the background, and
    /// sharing starts when Redis answers.
    /// </summary>
    /// <param name="options">Where Redis is and how long to wait for it; copied.</param>
    /// <param name="logger">Receives connection state changes and ignored entries; none when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the first connection attempt.</param>
    /// <exception cref="InvalidOptionsException">An option is missing or unusable; the message names it and never shows the configuration string.</exception>
    public static Task<RedisTokenStore> ConnectAsync(RedisTokenStoreOptions options, ILogger? logger, CancellationToken cancellationToken = default)
        => ConnectAsync(options, logger, meterFactory: null, cancellationToken);

    // DI's way in: the container's IMeterFactory makes this store's meter.
    internal static async Task<RedisTokenStore> ConnectAsync(RedisTokenStoreOptions options, ILogger? logger, IMeterFactory? meterFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new RedisTokenStoreOptions
        {
            Configuration = options.Configuration,
            KeyPrefix = options.KeyPrefix,
            ConnectTimeout = options.ConnectTimeout,
            OperationTimeout = options.OperationTimeout,
            BreakerFailureThreshold = options.BreakerFailureThreshold,
            BreakerOpenDuration = options.BreakerOpenDuration,
            WaitPollInterval = options.WaitPollInterval,
        };
        var failures = copy.Validate();
        ConfigurationOptions? config = null;
        if (failures.Count == 0)
        {
            try
            {
                config = ConfigurationOptions.Parse(copy.Configuration);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                // The parser's own message may quote the string (and so a password): name the option only.
                failures.Add("Configuration is not a valid StackExchange.Redis configuration string (expected \"host:port,keyword=value,...\")");
            }
        }

        if (failures.Count > 0 || config is null)
        {
            throw new InvalidOptionsException(nameof(RedisTokenStoreOptions), failures);
        }

        if (config.EndPoints.Count == 0)
        {
            throw new InvalidOptionsException(nameof(RedisTokenStoreOptions), ["Configuration names no Redis endpoint (expected \"host:port,...\")"]);
        }

        // Never fail a caller because of Redis: connect in the background, and
        // fail commands at once (instead of queueing them) while disconnected.
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ConnectTimeout = Milliseconds(copy.ConnectTimeout);
        config.AsyncTimeout = Milliseconds(copy.OperationTimeout);
        config.SyncTimeout = Milliseconds(copy.OperationTimeout);

        logger ??= NullLogger.Instance;
        var endpoints = string.Join(",", config.EndPoints.Select(Describe));
        var connecting = ConnectionMultiplexer.ConnectAsync(config);
        ConnectionMultiplexer redis;
        try
        {
            redis = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = connecting.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }

        var store = new RedisTokenStore(redis, copy, logger, config.Password, StoreTelemetry.For(meterFactory));
        if (redis.IsConnected)
        {
            StoreLog.Connected(logger, endpoints);
        }
        else
        {
            StoreLog.NotConnectedAtStart(logger, endpoints, await store.ConnectionErrorAsync().ConfigureAwait(false));
        }

        await store.SubscribeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>Unsubscribes and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _breaker.StateChanged -= OnBreakerChanged;
        if (_breaker.IsOpen)
        {
            _telemetry.BreakersOpen.Add(-1);
        }

        CancelWaiters();
        try
        {
            await _redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException or TimeoutException)
        {
            // closing a dead connection: nothing to clean up remotely
        }

        _redis.Dispose();
    }

    /// <summary>
    /// Runs one Redis call through the breaker and the operation timeout.
    /// Never throws except for the caller's own cancellation.
    /// </summary>
    private async Task<(bool Ok, T Value)> TryRunAsync<T>(string operation, Func<IDatabase, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0 || !_breaker.TryEnter())
        {
            _telemetry.Bypassed.Add(1, StoreTelemetry.Tag("operation", operation));
            return (false, default!);
        }

        Task<T> task;
        try
        {
            task = call(_db);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failed(operation, ex);
            return (false, default!);
        }

        try
        {
            var value = await task.WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            _breaker.Succeeded();
            return (true, value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(task);
            _breaker.Abandoned();
            throw;
        }
        catch (Exception ex)
        {
            Observe(task);
            Failed(operation, ex);
            return (false, default!);
        }
    }

    private void Failed(string operation, Exception ex)
    {
        var error = Describe(ex);
        _lastError = error;
        _telemetry.Errors.Add(1, StoreTelemetry.Tag("operation", operation));
        StoreLog.OperationFailed(_logger, operation, error);
        _breaker.Failed();
    }

    private void OnBreakerChanged(bool open)
    {
        _telemetry.BreakerTransitions.Add(1, StoreTelemetry.Tag("state", open ? "open" : "closed"));
        _telemetry.BreakersOpen.Add(open ? 1 : -1);
        if (open)
        {
            StoreLog.BreakerOpened(_logger, _lastError, _options.BreakerOpenDuration.TotalSeconds);
        }
        else
        {
            StoreLog.BreakerClosed(_logger);
        }
    }

    /// <summary>Why the first connection failed, from one PING (fails at once while disconnected).</summary>
    private async Task<string> ConnectionErrorAsync()
    {
        try
        {
            await _db.PingAsync().WaitAsync(_options.OperationTimeout).ConfigureAwait(false);
            return "connected late";
        }
        catch (Exception ex)
        {
            return Describe(ex);
        }
    }

    /// <summary>An exception as type + message, with the configured password cut out.</summary>
    private string Describe(Exception ex)
    {
        var message = ex.Message;
        if (!string.IsNullOrEmpty(_password))
        {
            message = message.Replace(_password, "***", StringComparison.Ordinal);
        }

        // StackExchange.Redis appends thread-pool statistics after ", mc: ": noise in a warning
        var noise = message.IndexOf(", mc: ", StringComparison.Ordinal);
        if (noise > 0)
        {
            message = message[..noise];
        }

        if (message.Length > 400)
        {
            message = message[..400] + "...";
        }

        return $"{ex.GetType().Name}: {message}";
    }

    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString() ?? "?",
    };

    private static void Observe(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);

    private RedisKey EntryKey(TokenStoreKey key) => (RedisKey)(_options.KeyPrefix + key.EntryName);

    private RedisKey LeaseKey(TokenStoreKey key) => (RedisKey)(_options.KeyPrefix + key.EntryName + ":lease");
}
