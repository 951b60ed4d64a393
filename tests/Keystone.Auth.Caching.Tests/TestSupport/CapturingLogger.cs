using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Caching.Tests.TestSupport;

/// <summary>Keeps every log line at every level, with its structured values, as text.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(" | ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : string.Empty;
        Lines.Enqueue($"{logLevel} {formatter(state, exception)} [{values}] {exception}");
    }
}
