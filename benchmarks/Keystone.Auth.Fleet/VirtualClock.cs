namespace Keystone.Auth.Fleet;

/// <summary>
/// The one clock of the simulation: the fake Keystone stamps issued_at and
/// expires_at with it, the fake API checks expiry with it, and the library's
/// cache, auth plugin and session read it. Only wall-clock time is virtual;
/// timers and timestamps stay real (socket idle timeouts, request timeouts),
/// because sockets are real and a virtual hour lasts seconds.
/// </summary>
internal sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset Start { get; } = start;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public TimeSpan Elapsed => GetUtcNow() - Start;

    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);
}
