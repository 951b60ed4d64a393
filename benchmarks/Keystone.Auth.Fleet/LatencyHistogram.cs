namespace Keystone.Auth.Fleet;

/// <summary>
/// Call latencies in 10 µs buckets up to 1 s, counted without locks, so that
/// millions of calls cost no memory that would spoil the heap figures.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double BucketMicroseconds = 10;
    private readonly long[] _buckets = new long[100_001];

    public void Add(TimeSpan elapsed)
    {
        var i = (int)Math.Min(_buckets.Length - 1, elapsed.TotalMicroseconds / BucketMicroseconds);
        Interlocked.Increment(ref _buckets[i]);
    }

    public long Count => _buckets.Sum();

    /// <summary>The upper edge of the bucket holding the given quantile, in ms.</summary>
    public double QuantileMs(double q)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var target = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Volatile.Read(ref _buckets[i]);
            if (seen >= target)
            {
                return (i + 1) * BucketMicroseconds / 1000.0;
            }
        }

        return double.PositiveInfinity;
    }
}
