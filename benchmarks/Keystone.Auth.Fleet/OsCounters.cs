using System.Globalization;

namespace Keystone.Auth.Fleet;

/// <summary>What the OS says about this process: descriptors, and TCP sockets by side and state.</summary>
internal readonly record struct OsSnapshot(
    int FileDescriptors,
    int ClientEstablished,
    int ServerEstablished,
    int ClientOther,
    int TimeWait,
    int Listening,
    long ManagedBytes,
    long RssBytes,
    int Threads)
{
    /// <summary>Client sockets still open (any state but TIME_WAIT, which holds no descriptor).</summary>
    public int ClientOpen => ClientEstablished + ClientOther;
}

/// <summary>
/// Reads /proc/self/fd and /proc/net/tcp(+tcp6). A client socket is one whose
/// remote port is the fake Keystone's or platform API's; a server socket one
/// whose local port is. Both ends live in this process, so every connection
/// shows twice: once per side.
/// </summary>
internal static class OsCounters
{
    private const string Established = "01";
    private const string TimeWaitState = "06";
    private const string Listen = "0A";
    public static OsSnapshot Take(FleetPorts ports, bool collect = false)
    {
        string[] serverPorts = [ports.Keystone.ToString("X4", CultureInfo.InvariantCulture), ports.Platform.ToString("X4", CultureInfo.InvariantCulture)];
        int clientEst = 0, serverEst = 0, clientOther = 0, timeWait = 0, listening = 0;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                // sl local_address rem_address st ...; addresses are HEXIP:HEXPORT
                var f = line.Split(' ', 5, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 4)
                {
                    continue;
                }

                var localPort = f[1][(f[1].IndexOf(':', StringComparison.Ordinal) + 1)..];
                var remotePort = f[2][(f[2].IndexOf(':', StringComparison.Ordinal) + 1)..];
                var state = f[3];
                var server = Array.IndexOf(serverPorts, localPort) >= 0;
                var client = Array.IndexOf(serverPorts, remotePort) >= 0;
                if (state == Listen)
                {
                    listening += server ? 1 : 0;
                }
                else if (state == TimeWaitState)
                {
                    timeWait += server || client ? 1 : 0;
                }
                else if (client)
                {
                    if (state == Established)
                    {
                        clientEst++;
                    }
                    else
                    {
                        clientOther++;
                    }
                }
                else if (server && state == Established)
                {
                    serverEst++;
                }
            }
        }

        long managed = GC.GetTotalMemory(collect);
        return new OsSnapshot(
            Directory.GetFiles("/proc/self/fd").Length,
            clientEst, serverEst, clientOther, timeWait, listening,
            managed, Rss(), ThreadPool.ThreadCount);
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>The soft limit on open files, from /proc/self/limits.</summary>
    public static long OpenFilesLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
            }
        }

        return long.MaxValue;
    }
}
