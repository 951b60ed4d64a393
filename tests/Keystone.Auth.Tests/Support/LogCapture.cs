using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Tests;

/// <summary>One log call as the logger saw it: the formatted text and every structured value.</summary>
internal sealed record CapturedLog(
    string Category,
    LogLevel Level,
    EventId EventId,
    string Message,
    IReadOnlyList<KeyValuePair<string, string?>> State,
    string? Exception);

/// <summary>
/// A logger provider that keeps everything, at every level including Trace, so
/// tests can search it for secrets.
/// </summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => _entries.ToArray();

    public ILogger<T> For<T>() => new CapturingLogger<T>(this, typeof(T).FullName!);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger<object>(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Every piece of text the logs hold (messages, state values, exceptions).</summary>
    public IEnumerable<string> AllText() =>
        Entries.SelectMany(e => new[] { e.Message, e.Exception }
            .Concat(e.State.Select(s => s.Value))
            .Concat(e.State.Select(s => s.Key)))
            .Where(s => s is not null)!;

    private void Add(CapturedLog entry) => _entries.Enqueue(entry);

    private sealed class CapturingLogger<T>(LogCapture owner, string category) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new List<KeyValuePair<string, string?>>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values.Add(new(pair.Key, Convert.ToString(pair.Value, CultureInfo.InvariantCulture)));
                }
            }

            owner.Add(new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
