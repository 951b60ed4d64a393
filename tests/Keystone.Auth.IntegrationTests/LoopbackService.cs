using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// A stand-in subcloud service on 127.0.0.1 and [::1] at one port: answers every
/// request 200 and records which address it arrived on, so a test proves where
/// requests went (not what the library says it did).
/// </summary>
internal sealed class LoopbackService : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private LoopbackService()
    {
    }

    public int Port { get; private set; }

    /// <summary>(local address the request arrived on, request line).</summary>
    public ConcurrentQueue<(IPAddress Local, string RequestLine)> Received { get; } = new();

    public static LoopbackService Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var service = new LoopbackService();
            var v4 = new TcpListener(IPAddress.Loopback, 0);
            v4.Start();
            service.Port = ((IPEndPoint)v4.LocalEndpoint).Port;
            service._listeners.Add(v4);
            try
            {
                var v6 = new TcpListener(IPAddress.IPv6Loopback, service.Port);
                v6.Start();
                service._listeners.Add(v6);
            }
            catch (SocketException) when (attempt < 20)
            {
                v4.Stop();
                continue;
            }

            foreach (var listener in service._listeners)
            {
                service._loops.Add(service.AcceptLoopAsync(listener));
            }

            return service;
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    var seen = new StringBuilder();
                    var buffer = new byte[4096];
                    while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var n = await stream.ReadAsync(buffer, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }

                    var local = ((IPEndPoint)client.Client.LocalEndPoint!).Address;
                    Received.Enqueue((local, seen.ToString().Split("\r\n")[0]));
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), _stop.Token);
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_loops);
        _stop.Dispose();
    }
}
