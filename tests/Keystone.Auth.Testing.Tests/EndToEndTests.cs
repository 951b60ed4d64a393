using Keystone.Auth.Caching;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// The fake under the real stack: PasswordAuth, CachingPasswordAuth and
/// KeystoneSession. Counts are the fake's (requests that reached it), not the
/// library's.
/// </summary>
public sealed class EndToEndTests
{
    private const int Callers = 64;

    [Fact]
    public async Task One_post_for_many_calls_and_exactly_one_more_after_a_key_rotation()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Rig.Options(fake), http), new TokenCache());
        using var session = new KeystoneSession(auth, http);

        Assert.Equal(0, await CallAllAsync(session));
        Assert.Equal(1, fake.TokenRequestCount);
        Assert.Equal(Callers, fake.ServiceRequestCount);

        fake.RotateKeys();
        Assert.Equal(0, await CallAllAsync(session));
        Assert.Equal(2, fake.TokenRequestCount);
        Assert.InRange(fake.RejectedServiceRequestCount, 1, Callers);
        Assert.Equal(2 * Callers + fake.RejectedServiceRequestCount, fake.ServiceRequestCount);
    }

    [Fact]
    public async Task A_401_once_costs_one_post_and_one_resend()
    {
        using var fake = new FakeKeystoneHandler();
        using var http = new HttpClient(fake, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Rig.Options(fake), http), new TokenCache());
        using var session = new KeystoneSession(auth, http);
        using (var warm = await session.GetAsync("/hosts", Rig.Platform))
        {
            warm.EnsureSuccessStatusCode();
        }

        fake.RejectNextServiceRequests();
        using var response = await session.GetAsync("/hosts", Rig.Platform);
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal((2, 3, 1), (fake.TokenRequestCount, fake.ServiceRequestCount, fake.RejectedServiceRequestCount));
    }

    [Fact]
    public async Task Handler_path_behaves_the_same()
    {
        using var fake = new FakeKeystoneHandler();
        using var tokenHttp = new HttpClient(fake, disposeHandler: false);
        var auth = new CachingPasswordAuth(new PasswordAuth(Rig.Options(fake), tokenHttp), new TokenCache());
        using var client = new HttpClient(new KeystoneAuthHandler(auth, Rig.Platform) { InnerHandler = fake }, disposeHandler: false)
        {
            BaseAddress = KeystoneAuthHandler.CatalogBaseAddress,
        };

        for (var i = 0; i < 10; i++)
        {
            using var r = await client.GetAsync(new Uri("hosts", UriKind.Relative));
            r.EnsureSuccessStatusCode();
        }

        fake.RotateKeys();
        using var after = await client.GetAsync(new Uri("hosts", UriKind.Relative));
        after.EnsureSuccessStatusCode();
        Assert.Equal((2, 12, 1), (fake.TokenRequestCount, fake.ServiceRequestCount, fake.RejectedServiceRequestCount));
    }

    private static async Task<int> CallAllAsync(KeystoneSession session)
    {
        // Every caller waits on one gate, without blocking a pool thread, so all of
        // them are in flight together once it opens.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                using var r = await session.GetAsync("/hosts", Rig.Platform);
                return r.IsSuccessStatusCode ? 0 : 1;
            }
            catch (KeystoneException)
            {
                return 1;
            }
        })).ToArray();
        start.SetResult();
        return (await Task.WhenAll(calls)).Sum();
    }
}
