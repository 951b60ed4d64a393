using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>Counts measurements of the store's instruments, by instrument and tag value.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public MetricRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Keystone.Auth" && instrument.Name.StartsWith("keystone.auth.store.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _counts.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
            foreach (var tag in tags)
            {
                _counts.AddOrUpdate($"{instrument.Name}|{tag.Value}", value, (_, v) => v + value);
            }
        });
        _listener.Start();
    }

    /// <summary>Total of an instrument (<c>keystone.auth.store.hits</c>), or of one tag value (<c>...ignored_entries|version</c>).</summary>
    public long this[string name] => _counts.TryGetValue(name, out var v) ? v : 0;

    public void Dispose() => _listener.Dispose();
}

/// <summary>Keeps every formatted log line (and its exception) for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Lines.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : " | " + exception)));

    public string All => string.Join("\n", Lines.Select(l => $"{l.Level}: {l.Text}"));
}

internal static class TestKeys
{
    private static int s_counter;

    /// <summary>A fresh entry name (no two tests share one) and a random 32-byte key.</summary>
    public static TokenStoreKey NewKey(string? name = null)
        => new(name ?? NewName(), RandomNumberGenerator.GetBytes(32));

    public static string NewName() => $"t{Interlocked.Increment(ref s_counter)}-{Guid.NewGuid():N}";

    public static byte[] Payload(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}

internal static class Stores
{
    public static RedisTokenStoreOptions Options(RedisServer server) => new()
    {
        Configuration = server.Configuration,
        // generous: a loaded 2-core machine must not turn a slow answer into a miss
        OperationTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public static Task<RedisTokenStore> ConnectAsync(RedisServer server, ILogger? logger = null)
        => RedisTokenStore.ConnectAsync(Options(server), logger);

    /// <summary>A plain StackExchange.Redis connection, to read and write raw entries as an attacker or another version would.</summary>
    public static Task<ConnectionMultiplexer> RawAsync(RedisServer server)
        => ConnectionMultiplexer.ConnectAsync(server.Configuration);
}

/// <summary>
/// Retries a condition until it holds or 60 s pass: for the one thing tests
/// cannot observe directly, when a client's background reconnect has happened.
/// </summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline;)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
