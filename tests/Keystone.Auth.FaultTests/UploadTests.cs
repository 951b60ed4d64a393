using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Issue 10 item 7: a body that cannot be sent twice streams out at once, with
/// a copy kept for a resend only up to <see cref="KeystoneSessionOptions.MaxBufferedContentBytes"/>;
/// a 401 on a larger one reaches the caller as is, and a rejected answer is not
/// read. Bytes and requests are counted at the server.
/// </summary>
public sealed class UploadTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(15);

    public static TheoryData<ClientSetup> Setups() => new(ClientSetup.SessionOverKeystoneTransport, ClientSetup.HandlerOverSocketsHttpHandler);

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task A_streamed_body_goes_out_before_it_has_been_read_whole(ClientSetup setup)
    {
        // The body's second half is only produced once the server has bytes of the
        // first: a client that reads the whole body before sending waits forever.
        await using var rig = await RedirectRig.StartAsync(setup);
        var serverHasBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long received = 0;
        rig.Home.OnService(async ctx =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await ctx.Request.Body.ReadAsync(buffer, ctx.RequestAborted)) > 0)
            {
                received += read;
                serverHasBytes.TrySetResult();
            }

            ctx.Response.StatusCode = 200;
        });
        var body = new GatedStream(new byte[64 * 1024], new byte[64 * 1024], serverHasBytes.Task);
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri("upload", UriKind.Relative)) { Content = new StreamContent(body) };

        // Task.Run: a client that buffers first would block this thread, not just the task.
        using var response = await Task.Run(() => rig.SendAsync(request)).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(128 * 1024, received);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task A_401_on_a_body_larger_than_the_bound_reaches_the_caller_as_is(ClientSetup setup)
    {
        await using var rig = await RedirectRig.StartAsync(setup, o =>
        {
            o.MaxBufferedContentBytes = 16 * 1024;
            o.RaiseOnError = true; // the session raises, the handler returns
        });
        rig.Home.OnService(async ctx =>
        {
            await DrainAsync(ctx);
            await rig.Home.Write401Async(ctx);
        });
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri("upload", UriKind.Relative))
        {
            Content = new StreamContent(new OneShotStream(new byte[64 * 1024])),
        };

        var status = setup == ClientSetup.SessionOverKeystoneTransport
            ? (await Assert.ThrowsAsync<KeystoneHttpException>(() => rig.SendAsync(request).WaitAsync(Guard))).StatusCode
            : (await rig.SendAsync(request).WaitAsync(Guard)).StatusCode;

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(1, rig.Home.ServiceCalls);
        Assert.Equal(1, rig.Home.TokenPosts);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public async Task A_body_within_the_bound_is_resent_whole_after_a_401(ClientSetup setup)
    {
        await using var rig = await RedirectRig.StartAsync(setup);
        var bodies = new List<byte[]>();
        rig.Home.OnService(async ctx =>
        {
            bodies.Add(await ReadAllAsync(ctx));
            await rig.Home.Write401Async(ctx);
        });
        rig.Home.OnService(async ctx =>
        {
            bodies.Add(await ReadAllAsync(ctx));
            await rig.Home.ServeAsync(ctx);
        });
        var sent = RandomNumberGenerator.GetBytes(200 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri("upload", UriKind.Relative))
        {
            Content = new StreamContent(new OneShotStream(sent)),
        };

        using var response = await rig.SendAsync(request).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, rig.Home.TokenPosts);
        Assert.Equal(2, bodies.Count);
        Assert.Equal(sent, bodies[0]);
        Assert.Equal(sent, bodies[1]);
    }

    [Fact]
    public async Task A_rejected_answer_is_disposed_unread()
    {
        // A 401 announcing 64 MiB: the session must resend at once, without reading
        // it. Counted where the client reads its sockets (kernel buffers and
        // Kestrel's silent writes after an abort make the server side no witness).
        const long announced = 64L * 1024 * 1024;
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport);
        var connections = new System.Collections.Concurrent.ConcurrentQueue<ReadCountingStream>();
        var transport = KeystoneTransport.CreateHandler(new KeystoneTransportOptions());
        transport.ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            var counted = new ReadCountingStream(new NetworkStream(socket, ownsSocket: true));
            connections.Enqueue(counted);
            return counted;
        };
        using var http = new HttpClient(transport);
        using var session = new KeystoneSession(rig.Auth, http);
        rig.Home.OnService(async ctx =>
        {
            ctx.Response.StatusCode = 401;
            ctx.Response.ContentLength = announced;
            var chunk = new byte[64 * 1024];
            try
            {
                for (long sent = 0; sent < announced && !ctx.RequestAborted.IsCancellationRequested; sent += chunk.Length)
                {
                    await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        });

        using var response = await session.GetAsync("x", Harness.Compute).WaitAsync(Guard);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, rig.Home.TokenPosts);
        var read = connections.Sum(c => c.BytesRead);
        Assert.True(read < 4 * 1024 * 1024, $"the rejected body was read: the client read {read} bytes for a {announced}-byte 401");
    }

    private static async Task DrainAsync(HttpContext context)
    {
        var buffer = new byte[16 * 1024];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
        {
        }
    }

    private static async Task<byte[]> ReadAllAsync(HttpContext context)
    {
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        return copy.ToArray();
    }
}
