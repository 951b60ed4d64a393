using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Xunit.Abstractions;

namespace Keystone.Auth.FaultTests;

/// <summary>Allocation is counted process-wide: nothing else may run meanwhile.</summary>
[CollectionDefinition(nameof(AllocationRunsAlone), DisableParallelization = true)]
public sealed class AllocationRunsAlone
{
}

/// <summary>
/// Issue 10 item 7's measurement: a 512 MB forward-only PUT through the session
/// allocates at most 10 MB more than the same PUT through raw HttpClient, both
/// measured in one run against a loopback server that discards the body.
/// </summary>
[Collection(nameof(AllocationRunsAlone))]
public sealed class UploadAllocationTests(ITestOutputHelper output)
{
    private const long Size = 512L * 1024 * 1024;
    private const long Allowance = 10L * 1024 * 1024;
    private static readonly byte[] s_sink = new byte[64 * 1024];
    private long _received;

    [Fact]
    public async Task A_512_MB_streamed_PUT_through_the_session_allocates_at_most_10_MB_more_than_raw_HttpClient()
    {
        await using var rig = await RedirectRig.StartAsync(ClientSetup.SessionOverKeystoneTransport);
        using var raw = new HttpClient(KeystoneTransport.CreateHandler(new KeystoneTransportOptions()));
        using var session = new KeystoneSession(rig.Auth, raw);
        var token = (await rig.Auth.GetAccessAsync()).Token;
        for (var i = 0; i < 4; i++)
        {
            rig.Home.OnService(async ctx =>
            {
                // Kestrel's per-request limit, lifted for this request only.
                ctx.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
                int read;
                while ((read = await ctx.Request.Body.ReadAsync(s_sink, ctx.RequestAborted)) > 0)
                {
                    _received += read;
                }

                ctx.Response.StatusCode = 200;
            });
        }

        async Task RawPutAsync(long size)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, rig.Home.ServiceUrl + "/upload") { Content = new StreamContent(new ZeroStream(size)) };
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
            using var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        async Task SessionPutAsync(long size)
        {
            using var response = await session.PutAsync("upload", new StreamContent(new ZeroStream(size)), Harness.Compute);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Warm both paths (connections, JIT) before counting.
        await RawPutAsync(1024 * 1024);
        await SessionPutAsync(1024 * 1024);
        _received = 0;

        var before = GC.GetTotalAllocatedBytes(true);
        await RawPutAsync(Size);
        var rawBytes = GC.GetTotalAllocatedBytes(true) - before;
        Assert.Equal(Size, _received);

        _received = 0;
        before = GC.GetTotalAllocatedBytes(true);
        await SessionPutAsync(Size);
        var sessionBytes = GC.GetTotalAllocatedBytes(true) - before;
        Assert.Equal(Size, _received);

        output.WriteLine($"512 MiB forward-only PUT: raw HttpClient {rawBytes / 1024.0 / 1024:0.00} MiB allocated, KeystoneSession {sessionBytes / 1024.0 / 1024:0.00} MiB, difference {(sessionBytes - rawBytes) / 1024.0 / 1024:0.00} MiB");
        Assert.True(sessionBytes - rawBytes <= Allowance, $"session allocated {sessionBytes} B, raw HttpClient {rawBytes} B");
    }
}
