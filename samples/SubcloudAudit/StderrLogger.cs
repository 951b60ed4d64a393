using Microsoft.Extensions.Logging;

namespace SubcloudAudit;

/// <summary>
/// Warnings and errors of the library (cache, shared tier) on stderr, one line
/// each, for <c>--worker --log</c>: enough to see why a fleet run failed a call
/// without pulling a logging framework into the sample. The library's log
/// messages carry no secrets.
/// </summary>
internal sealed class StderrLogger<T> : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{Environment.ProcessId}] {logLevel} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " (" + exception.GetType().Name + ")")}");
        }
    }
}
