using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>TCP keepalive in <see cref="KeystoneTransportOptions"/>: validated, set on the socket, used by the handler over IPv4 and IPv6.</summary>
public sealed class KeepAliveTests
{
    private static readonly KeystoneTransportOptions s_keepAlive = new()
    {
        TcpKeepAliveTime = TimeSpan.FromSeconds(45),
        TcpKeepAliveInterval = TimeSpan.FromSeconds(10),
        TcpKeepAliveRetryCount = 4,
    };

    [Fact]
    public void The_socket_carries_the_keepalive_settings()
    {
        using var socket = KeystoneTransport.CreateKeepAliveSocket(s_keepAlive);

        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(45, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(10, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(4, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
    }

    [Fact]
    public void Without_keepalive_the_handler_connects_as_dotnet_does()
    {
        using var handler = KeystoneTransport.CreateHandler(new KeystoneTransportOptions());
        Assert.Null(handler.ConnectCallback);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task The_handler_connects_through_keepalive_sockets_over_ipv4_and_ipv6(string address)
    {
        var ip = IPAddress.Parse(address);
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6)
        {
            return;
        }

        using var listener = new TcpListener(ip, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    return;
                }

                seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
        });

        using var handler = KeystoneTransport.CreateHandler(s_keepAlive);
        Assert.NotNull(handler.ConnectCallback);
        using var http = new HttpClient(handler);
        var host = ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address;

        Assert.Equal("ok", await http.GetStringAsync(new Uri($"http://{host}:{port}/")));
        await serve;
    }

    [Theory]
    [InlineData(0.5, null, null, "TcpKeepAliveTime")]
    [InlineData(0.0, null, null, "TcpKeepAliveTime")]
    [InlineData(40000.0, null, null, "TcpKeepAliveTime")]
    [InlineData(30.0, 1.5, null, "TcpKeepAliveInterval")]
    [InlineData(30.0, null, 0, "TcpKeepAliveRetryCount")]
    [InlineData(30.0, null, 128, "TcpKeepAliveRetryCount")]
    [InlineData(null, 10.0, null, "require TcpKeepAliveTime")]
    [InlineData(null, null, 3, "require TcpKeepAliveTime")]
    public void Bad_keepalive_settings_are_refused_naming_the_option(double? time, double? interval, int? count, string named)
    {
        var options = new KeystoneTransportOptions
        {
            TcpKeepAliveTime = time is { } t ? TimeSpan.FromSeconds(t) : null,
            TcpKeepAliveInterval = interval is { } i ? TimeSpan.FromSeconds(i) : null,
            TcpKeepAliveRetryCount = count,
        };

        var ex = Assert.Throws<InvalidOptionsException>(() => KeystoneTransport.CreateHandler(options));
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
