using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also reports every timer created on it
/// (a retry's <c>Task.Delay</c>), so a test can wait until the library is
/// actually sleeping, check the delay it asked for, and only then advance time.
/// </summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new(DateTimeOffset.UtcNow);

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created (waits for it).</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan guard) =>
        await _timers.Reader.ReadAsync().AsTask().WaitAsync(guard);

    public void Advance(TimeSpan by) => Fake.Advance(by);
}
