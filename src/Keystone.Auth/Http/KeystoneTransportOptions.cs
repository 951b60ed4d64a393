namespace Keystone.Auth;

/// <summary>
/// Settings of the recommended transport for talking to many Keystones and
/// OpenStack services (see <see cref="KeystoneTransport.CreateHandler"/>):
/// timeouts, connection pooling, the CA bundle (<c>OS_CACERT</c>), a client
/// certificate (<c>OS_CERT</c>/<c>OS_KEY</c>) and the insecure switch
/// (<c>OS_INSECURE</c>).
/// </summary>
/// <remarks>
/// The defaults suit a controller that calls thousands of endpoints: pooled
/// connections are bounded per server (open-file limits) and recycled every
/// few minutes, so a renewed CA or a changed DNS answer is picked up without a
/// restart.
/// </remarks>
public sealed class KeystoneTransportOptions
{
    /// <summary>
    /// Longest wait for a TCP + TLS connection to be established (default 10 s),
    /// separate from the request timeout so an unreachable subcloud fails fast.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <see cref="HttpClient.Timeout"/> of the clients made through dependency
    /// injection (default 60 s): one attempt, connect to last byte.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most open connections to one server (default 10), so thousands of parallel calls cannot exhaust file descriptors.</summary>
    public int MaxConnectionsPerServer { get; set; } = 10;

    /// <summary>
    /// A pooled connection is not reused after this long (default 5 min), so a
    /// renewed server certificate or CA and changed DNS records take effect.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An idle pooled connection is closed after this long (default 60 s).</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Idle time before the first TCP keepalive probe on a connection (default
    /// null: no keepalive, the operating system's behaviour). Set it (e.g. 60 s)
    /// for subclouds across WANs, where a NAT or firewall silently drops an idle
    /// flow while a long platform call (600 s) waits for its answer: the probes
    /// keep the flow alive, and a dead peer is noticed instead of waited on.
    /// Whole seconds, 1 to 32767 (Linux's limit).
    /// </summary>
    public TimeSpan? TcpKeepAliveTime { get; set; }

    /// <summary>Time between keepalive probes once they start (default null: the OS default, 75 s on Linux). Requires <see cref="TcpKeepAliveTime"/>; whole seconds, 1 to 32767.</summary>
    public TimeSpan? TcpKeepAliveInterval { get; set; }

    /// <summary>Unanswered probes before the connection is dropped (default null: the OS default, 9 on Linux). Requires <see cref="TcpKeepAliveTime"/>; 1 to 127.</summary>
    public int? TcpKeepAliveRetryCount { get; set; }

    /// <summary>
    /// PEM file of the CA certificates server certificates must chain to
    /// (<c>OS_CACERT</c>). When set, only these CAs are trusted, not the
    /// system's. The file is read again when it changes, so a renewed root CA
    /// is used by the next connection.
    /// </summary>
    public string? CaCertificatesPath { get; set; }

    /// <summary>PEM file of the client certificate (<c>OS_CERT</c>); it may hold the private key too.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM file of the client certificate's private key (<c>OS_KEY</c>), when not in <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>
    /// Accept any server certificate (<c>OS_INSECURE</c>, the CLI's
    /// <c>--insecure</c>). Logged as a warning every time a handler is made.
    /// Test servers only. Wins over <see cref="CaCertificatesPath"/>.
    /// </summary>
    public bool Insecure { get; set; }

    /// <summary>
    /// Reads <c>OS_CACERT</c>, <c>OS_CERT</c>, <c>OS_KEY</c> and
    /// <c>OS_INSECURE</c> (<c>true</c>/<c>1</c>/<c>yes</c>) into new options with
    /// default timeouts and pooling.
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static KeystoneTransportOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        var insecure = Get("OS_INSECURE");
        return new KeystoneTransportOptions
        {
            CaCertificatesPath = Get("OS_CACERT"),
            ClientCertificatePath = Get("OS_CERT"),
            ClientKeyPath = Get("OS_KEY"),
            Insecure = insecure is not null
                && (insecure.Equals("true", StringComparison.OrdinalIgnoreCase) || insecure == "1" || insecure.Equals("yes", StringComparison.OrdinalIgnoreCase)),
        };
    }

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        Positive(failures, nameof(ConnectTimeout), ConnectTimeout);
        Positive(failures, nameof(RequestTimeout), RequestTimeout);
        if (MaxConnectionsPerServer < 1)
        {
            failures.Add($"MaxConnectionsPerServer must be at least 1, got {MaxConnectionsPerServer}");
        }

        NotNegative(failures, nameof(PooledConnectionLifetime), PooledConnectionLifetime);
        NotNegative(failures, nameof(PooledConnectionIdleTimeout), PooledConnectionIdleTimeout);

        ValidateKeepAlive(failures);

        if (!string.IsNullOrEmpty(CaCertificatesPath) && !Insecure && !File.Exists(CaCertificatesPath))
        {
            failures.Add($"CaCertificatesPath (OS_CACERT) names a file that does not exist: '{CaCertificatesPath}'");
        }

        if (!string.IsNullOrEmpty(ClientCertificatePath) && !File.Exists(ClientCertificatePath))
        {
            failures.Add($"ClientCertificatePath (OS_CERT) names a file that does not exist: '{ClientCertificatePath}'");
        }

        if (!string.IsNullOrEmpty(ClientKeyPath))
        {
            if (string.IsNullOrEmpty(ClientCertificatePath))
            {
                failures.Add("ClientKeyPath (OS_KEY) requires ClientCertificatePath (OS_CERT)");
            }
            else if (!File.Exists(ClientKeyPath))
            {
                failures.Add($"ClientKeyPath (OS_KEY) names a file that does not exist: '{ClientKeyPath}'");
            }
        }

        return failures;
    }

    /// <summary>A copy, so a handler is not affected by later changes.</summary>
    internal KeystoneTransportOptions Clone() => (KeystoneTransportOptions)MemberwiseClone();

    private void ValidateKeepAlive(List<string> failures)
    {
        KeepAliveSeconds(failures, nameof(TcpKeepAliveTime), TcpKeepAliveTime);
        KeepAliveSeconds(failures, nameof(TcpKeepAliveInterval), TcpKeepAliveInterval);
        if (TcpKeepAliveRetryCount is { } count and (< 1 or > 127))
        {
            failures.Add($"TcpKeepAliveRetryCount must be 1 to 127, got {count}");
        }

        if (TcpKeepAliveTime is null && (TcpKeepAliveInterval is not null || TcpKeepAliveRetryCount is not null))
        {
            failures.Add("TcpKeepAliveInterval and TcpKeepAliveRetryCount require TcpKeepAliveTime (which turns keepalive on)");
        }
    }

    private static void KeepAliveSeconds(List<string> failures, string name, TimeSpan? value)
    {
        if (value is { } v && (v < TimeSpan.FromSeconds(1) || v > TimeSpan.FromSeconds(32767) || v.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            failures.Add($"{name} must be whole seconds from 1 to 32767, got {v}");
        }
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{name} must be positive or Timeout.InfiniteTimeSpan, got {value}");
        }
    }

    private static void NotNegative(List<string> failures, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{name} must not be negative (Timeout.InfiniteTimeSpan for no limit), got {value}");
        }
    }
}
