namespace Keystone.Auth.Fleet;

/// <summary>What a simulated day looks like. Defaults are the issue's: 5,000 subclouds, 20 workers, 24 h.</summary>
internal sealed record FleetOptions
{
    public int Subclouds { get; init; } = 5000;
    public int Workers { get; init; } = 20;
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>dcmanager audits every subcloud every 5 minutes.</summary>
    public TimeSpan AuditInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The audit interval is cut into this many slots and subcloud i is audited
    /// in slot i mod Slots, so that audits (and token renewals) spread over the
    /// interval as they do when workers walk a long list, instead of every
    /// subcloud renewing at the same virtual instant.
    /// </summary>
    public int Slots { get; init; } = 5;

    /// <summary>Platform API GETs per audit ("several calls each").</summary>
    public int CallsPerAudit { get; init; } = 3;

    /// <summary>Keystone's default token life.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan RotationAt { get; init; } = TimeSpan.FromHours(6);
    public TimeSpan OutageFrom { get; init; } = TimeSpan.FromHours(12);
    public TimeSpan OutageTo { get; init; } = TimeSpan.FromHours(13);
    public TimeSpan MoveAt { get; init; } = TimeSpan.FromHours(18);

    /// <summary>Share of the fleet hit by each event (a tenth; disjoint sets).</summary>
    public int EventEvery { get; init; } = 10;

    /// <summary>The transport's idle timeout (the library's default is 60 s).</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxConnectionsPerServer { get; init; } = 10;

    /// <summary>Renew in the background (TokenCacheOptions.RefreshInBackground).</summary>
    public bool RefreshInBackground { get; init; }

    /// <summary>Where the PNG goes (null: no plot).</summary>
    public string? PlotPath { get; init; }

    /// <summary>Print a line per simulated hour.</summary>
    public bool Verbose { get; init; } = true;

    public bool IsRotated(int subcloud) => subcloud % EventEvery == 1;
    public bool IsInOutage(int subcloud) => subcloud % EventEvery == 2;
    public bool IsMoved(int subcloud) => subcloud % EventEvery == 3;
}
