namespace Keystone.Auth.Access;

/// <summary>
/// Time arithmetic that saturates instead of throwing. Times come from servers
/// and plugins we do not control (<c>expires_at</c> in year 9999, an offset that
/// pushes a date past <see cref="DateTimeOffset.MaxValue"/>); an
/// <see cref="ArgumentOutOfRangeException"/> from a comparison would escape the
/// typed errors and skip the failure log and metric.
/// </summary>
internal static class SafeTime
{
    /// <summary>
    /// The representable window, one year inside DateTimeOffset's range, so a
    /// caller may still add or subtract a margin of up to a year without overflow.
    /// </summary>
    public static readonly long MinTicks = DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerDay * 366;

    /// <inheritdoc cref="MinTicks"/>
    public static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay * 366;

    /// <summary><paramref name="time"/> moved into the window, as UTC.</summary>
    public static DateTimeOffset Clamp(DateTimeOffset time) => FromTicks(time.UtcTicks);

    /// <summary><paramref name="time"/> plus <paramref name="ticks"/>, saturated to the window.</summary>
    public static DateTimeOffset Add(DateTimeOffset time, long ticks)
    {
        var start = time.UtcTicks;

        // Both operands are within DateTimeOffset's tick range (about 3.2e18,
        // under a third of long.MaxValue) only when ticks is; check first.
        if (ticks > MaxTicks - start)
        {
            return new DateTimeOffset(MaxTicks, TimeSpan.Zero);
        }

        if (ticks < MinTicks - start)
        {
            return new DateTimeOffset(MinTicks, TimeSpan.Zero);
        }

        return new DateTimeOffset(start + ticks, TimeSpan.Zero);
    }

    /// <summary>A UTC instant from ticks, saturated to the window.</summary>
    public static DateTimeOffset FromTicks(long utcTicks) =>
        new(Math.Clamp(utcTicks, MinTicks, MaxTicks), TimeSpan.Zero);
}
