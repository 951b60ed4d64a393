namespace Keystone.Auth.Caching.Redis;

/// <summary>
/// Closed -> (N consecutive failures) -> Open -> (after a delay, ONE probe
/// call) -> Closed on success / Open again on failure. While open, callers
/// get a miss without touching Redis. A lock guards the few fields: every
/// call that takes it is about to do a network round trip anyway.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly object _gate = new();
    private readonly int _threshold;
    private readonly TimeSpan _openDuration;
    private readonly TimeProvider _time;
    private int _consecutiveFailures;
    private bool _open;
    private bool _probing;
    private long _reopenAt;

    public CircuitBreaker(int threshold, TimeSpan openDuration, TimeProvider time)
    {
        _threshold = threshold;
        _openDuration = openDuration;
        _time = time;
    }

    /// <summary>Raised (outside the lock) with <see langword="true"/> when it opens and <see langword="false"/> when it closes.</summary>
    public event Action<bool>? StateChanged;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Whether a call may go to Redis now (while open: only the one probe after the delay).</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (!_open)
            {
                return true;
            }

            if (_probing || _time.GetTimestamp() < _reopenAt)
            {
                return false;
            }

            _probing = true;
            return true;
        }
    }

    public void Succeeded()
    {
        bool closed;
        lock (_gate)
        {
            _consecutiveFailures = 0;
            closed = _open;
            _open = false;
            _probing = false;
        }

        if (closed)
        {
            StateChanged?.Invoke(false);
        }
    }

    public void Failed()
    {
        bool opened = false;
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_open)
            {
                // the probe failed: wait a full delay again
                _probing = false;
                _reopenAt = Deadline();
            }
            else if (_consecutiveFailures >= _threshold)
            {
                _open = true;
                _probing = false;
                _reopenAt = Deadline();
                opened = true;
            }
        }

        if (opened)
        {
            StateChanged?.Invoke(true);
        }
    }

    /// <summary>The call was given up by its caller (cancelled): neither outcome; a probe slot is freed for the next call.</summary>
    public void Abandoned()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }

    private long Deadline() => _time.GetTimestamp() + (long)(_openDuration.TotalSeconds * _time.TimestampFrequency);
}
