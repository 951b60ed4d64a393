using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>
/// A raw TCP server on 127.0.0.1 (ephemeral port) whose behaviour per
/// connection is given by the test: answer never, answer half, close. Stopped
/// and every connection closed on dispose.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Func<LoopbackServer, NetworkStream, CancellationToken, Task> _onConnection;
    private readonly Task _acceptLoop;
    private readonly TaskCompletionSource _requestReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoopbackServer(Func<LoopbackServer, NetworkStream, CancellationToken, Task> onConnection)
    {
        _onConnection = onConnection;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    /// <summary>Completes when the first request's headers have been read.</summary>
    public Task RequestReceived => _requestReceived.Task;

    /// <summary>Reads a request, then holds the connection open without answering.</summary>
    public static LoopbackServer NeverAnswers() => new(async (server, stream, ct) =>
    {
        await server.ReadRequestHeadersAsync(stream, ct);
        await Task.Delay(Timeout.Infinite, ct);
    });

    /// <summary>Reads a request, sends the status line, headers and part of the body, then closes.</summary>
    public static LoopbackServer ClosesMidResponse() => new(async (server, stream, ct) =>
    {
        await server.ReadRequestHeadersAsync(stream, ct);
        var partial = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Subject-Token: tok-partial\r\nContent-Length: 5000\r\n\r\n{\"token\":{\"expires_at\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(partial), ct);
        await stream.FlushAsync(ct);
    });

    /// <summary>Reads a request and closes without a byte of answer.</summary>
    public static LoopbackServer ClosesWithoutAnswer() => new((server, stream, ct) => server.ReadRequestHeadersAsync(stream, ct));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Reads up to the end of the request headers, then signals <see cref="RequestReceived"/>.</summary>
    public async Task ReadRequestHeadersAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[8192];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, ct);
            if (read == 0)
            {
                return;
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        _requestReceived.TrySetResult();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_clients)
            {
                _clients.Add(client);
            }

            _ = Task.Run(async () =>
            {
                var stream = client.GetStream();
                try
                {
                    await _onConnection(this, stream, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
                {
                }
                finally
                {
                    client.Dispose();
                }
            });
        }
    }
}
