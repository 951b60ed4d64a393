namespace Keystone.Auth.Fleet;

/// <summary>Why the fake Keystone thinks a token POST came, judged from what it issued and what the API refused.</summary>
internal enum PostReason
{
    /// <summary>No token issued to this subcloud before.</summary>
    First,
    /// <summary>The last token was within 10 minutes of its end (refresh margin + jitter + one audit slot).</summary>
    Renewal,
    /// <summary>The platform API refused the last token (fernet keys replaced).</summary>
    AfterRejection,
    /// <summary>The POST came to the subcloud's new address.</summary>
    AddressChange,
    /// <summary>None of the above: a wasted POST. The goal is 0.</summary>
    Unexplained,
}

/// <summary>The server side of one subcloud: its key generation, whether Keystone is up, its address, and what it issued.</summary>
internal sealed class FakeSubcloud(int index)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastExpires;
    private bool _lastMoved;
    private long _lastSerial;
    private bool _lastRejected;
    private long _serial;

    public int Index { get; } = index;

    /// <summary>Fernet key generation: tokens of an older one are refused.</summary>
    public volatile int KeyGeneration;

    /// <summary>Keystone answers nothing (the connection is reset).</summary>
    public volatile bool KeystoneDown;

    /// <summary>The subcloud now lives on its 127.2.x.y address; the old one answers nothing.</summary>
    public volatile bool Moved;

    public readonly int[] PostsByReason = new int[Enum.GetValues<PostReason>().Length];

    /// <summary>Records a POST that will be answered with a token; returns its serial and why it came.</summary>
    public (long Serial, PostReason Reason) Issue(DateTimeOffset now, DateTimeOffset expires, bool moved)
    {
        lock (_gate)
        {
            var reason = _lastExpires is null ? PostReason.First
                : _lastRejected ? PostReason.AfterRejection
                : moved != _lastMoved ? PostReason.AddressChange
                : now >= _lastExpires.Value - TimeSpan.FromMinutes(10) ? PostReason.Renewal
                : PostReason.Unexplained;
            _lastExpires = expires;
            _lastMoved = moved;
            _lastRejected = false;
            _lastSerial = ++_serial;
            PostsByReason[(int)reason]++;
            return (_lastSerial, reason);
        }
    }

    /// <summary>The API refused a token of this subcloud; remembered when it was the newest one.</summary>
    public void Rejected(long serial)
    {
        lock (_gate)
        {
            if (serial == _lastSerial)
            {
                _lastRejected = true;
            }
        }
    }
}
