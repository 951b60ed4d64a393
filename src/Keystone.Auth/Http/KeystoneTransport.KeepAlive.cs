using System.Net.Sockets;

namespace Keystone.Auth;

/// <summary>TCP keepalive on the connections of <see cref="KeystoneTransport.CreateHandler"/>.</summary>
public static partial class KeystoneTransport
{
    /// <summary>
    /// A connect callback that opens the socket with keepalive set, then connects
    /// as the handler would (any address family: an IPv6 subcloud too). The
    /// handler's ConnectTimeout still applies through the token it passes in.
    /// </summary>
    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> KeepAliveConnector(KeystoneTransportOptions options) =>
        async (context, cancellationToken) =>
        {
            var socket = CreateKeepAliveSocket(options);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
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
