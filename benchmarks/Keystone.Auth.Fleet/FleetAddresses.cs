using System.Net;

namespace Keystone.Auth.Fleet;

/// <summary>
/// Subcloud i lives on 127.1.(i / 250).(i % 250 + 1); after it moves, on
/// 127.2.x.y. Linux routes all of 127/8 to lo, so every subcloud has its own
/// address and the client keeps a connection pool per subcloud, as in
/// production. Keystone and the platform API listen on two ports the OS
/// picks (wildcard listeners), so that a run never collides with a service
/// on a well-known port.
/// </summary>
internal static class FleetAddresses
{
    public const int MaxSubclouds = 250 * 256;

    public static IPAddress Of(int subcloud, bool moved) =>
        new([127, moved ? (byte)2 : (byte)1, (byte)(subcloud / 250), (byte)(subcloud % 250 + 1)]);

    /// <summary>Which subcloud an address belongs to, and whether it is the moved one; -1 when none.</summary>
    public static int SubcloudOf(IPAddress? address, out bool moved)
    {
        moved = false;
        if (address is null)
        {
            return -1;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> b = stackalloc byte[4];
        if (!address.TryWriteBytes(b, out var n) || n != 4 || b[0] != 127 || b[1] is not (1 or 2) || b[3] == 0 || b[3] > 250)
        {
            return -1;
        }

        moved = b[1] == 2;
        return b[2] * 250 + b[3] - 1;
    }

    public static string Region(int subcloud) => $"subcloud{subcloud + 1}";

    public static string AuthUrl(int subcloud, bool moved, FleetPorts ports) => $"http://{Of(subcloud, moved)}:{ports.Keystone}/v3";

    public static string PlatformUrl(int subcloud, bool moved, FleetPorts ports) => $"http://{Of(subcloud, moved)}:{ports.Platform}/v1";
}

/// <summary>The two ports the fake servers listen on, on every address.</summary>
internal sealed record FleetPorts(int Keystone, int Platform);
