using System.Net;
using System.Net.Sockets;

namespace Keystone.Auth;

/// <summary>TCP keepalive on the connections of <see cref="KeystoneTransport.CreateHandler"/>.</summary>
public static partial class KeystoneTransport
{
    /// <summary>
    /// A connect callback that opens each socket with keepalive set, then connects
    /// as the handler would (any address family: an IPv6 subcloud too). The
    /// handler's ConnectTimeout still applies through the token it passes in.
    /// </summary>
    /// <remarks>
    /// The name is resolved here and each address tried on a socket of its own:
    /// on Linux, .NET 8 refuses to connect a caller-made socket to a name
    /// (it cannot reuse a socket after a failed attempt), and .NET 10 would try
    /// the addresses the same way.
    /// </remarks>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> KeepAliveConnector(KeystoneTransportOptions options) =>
        async (context, cancellationToken) =>
        {
            var endpoint = context.DnsEndPoint;
            var host = endpoint.Host.TrimStart('[').TrimEnd(']');
            var addresses = IPAddress.TryParse(host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            Exception? failure = null;
            foreach (var address in addresses)
            {
                var socket = CreateKeepAliveSocket(options);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    failure = ex;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw failure ?? new SocketException((int)SocketError.HostNotFound);
        };

    /// <summary>A dual-mode TCP socket with the keepalive settings of <paramref name="options"/> (validated).</summary>
    internal static Socket CreateKeepAliveSocket(KeystoneTransportOptions options)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (options.TcpKeepAliveTime is { } time)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)time.TotalSeconds);
            }

            if (options.TcpKeepAliveInterval is { } interval)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)interval.TotalSeconds);
            }

            if (options.TcpKeepAliveRetryCount is { } count)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, count);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
