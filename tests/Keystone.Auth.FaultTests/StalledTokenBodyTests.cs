using System.Net;
using Keystone.Auth.Caching;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// Keystone sends the token response's status and headers, then stalls in the
/// middle of the body (HttpClient.Timeout does not cover that read). Under every
/// plugin timeout setting the identity is never wedged: the caller gets a
/// KeystoneTimeoutException, the stalled connection is dropped, and the next call
/// makes a new POST (counted by the server).
/// </summary>
public sealed class StalledTokenBodyTests : FaultTestBase
{
    /// <summary>The cache's deadline in these tests: short, real time.</summary>
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(2);

    public static TheoryData<string> PluginTimeouts => new() { "none", "infinite", "1 hour", "1 s" };

    [Theory]
    [MemberData(nameof(PluginTimeouts))]
    public async Task A_token_body_that_stalls_ends_in_a_timeout_and_the_next_call_posts_again(string pluginTimeout)
    {
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Server.OnToken(async context =>
        {
            await StartBodyAsync(context);
            await Server.HangAsync(context);
            if (context.RequestAborted.IsCancellationRequested)
            {
                clientLeft.TrySetResult();
            }
        });
        TimeSpan? requestTimeout = pluginTimeout switch
        {
            "none" => null,
            "infinite" => Timeout.InfiniteTimeSpan,
            "1 hour" => TimeSpan.FromHours(1),
            _ => TimeSpan.FromSeconds(1),
        };
        Client client;
        try
        {
            client = new Client(Server, requestTimeout);
        }
        catch (InvalidOptionsException refused)
        {
            // A plugin that refuses a deadline-less setting up front cannot wedge
            // either: refused before any request, naming the option.
            Assert.Contains("RequestTimeout", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0, Server.TokenPosts);
            return;
        }

        using var owned = client;
        var ex = await Assert.ThrowsAsync<KeystoneTimeoutException>(async () => await client.Auth.GetAccessAsync().AsTask().WaitAsync(Guard));

        // Whichever deadline is shorter ends the request: the plugin's own, or the cache's.
        Assert.Equal(requestTimeout is { } t && t > TimeSpan.Zero && t < FetchTimeout ? t : FetchTimeout, ex.Timeout);
        Assert.Equal(new Uri(Server.AuthUrl + "/auth/tokens"), ex.RequestUri);
        await clientLeft.Task.WaitAsync(Guard);
        Assert.Equal(1, Server.TokenPosts);

        var access = await client.Auth.GetAccessAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(Server.IssuedTokens.Last(), access.Token);
        Assert.Equal(2, Server.TokenPosts);
    }

    [Fact]
    public async Task Callers_arriving_while_the_body_stalls_share_the_one_request_and_are_freed_at_the_deadline()
    {
        Server.OnToken(async context =>
        {
            await StartBodyAsync(context);
            await Server.HangAsync(context);
        });
        using var client = new Client(Server, requestTimeout: null);

        var callers = Enumerable.Range(0, 10).Select(_ => Task.Run(async () => await client.Auth.GetAccessAsync())).ToArray();
        foreach (var caller in callers)
        {
            await Assert.ThrowsAsync<KeystoneTimeoutException>(() => caller.WaitAsync(Guard));
        }

        Assert.Equal(1, Server.TokenPosts);
        using var ok = await client.Session.GetAsync("/after-stall", Harness.Compute).WaitAsync(Guard);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, Server.TokenPosts);
    }

    /// <summary>201, X-Subject-Token and the first bytes of a body announced much longer, flushed.</summary>
    private static async Task StartBodyAsync(HttpContext context)
    {
        context.Response.StatusCode = 201;
        context.Response.Headers["X-Subject-Token"] = FaultServer.NewToken();
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 4096;
        await context.Response.WriteAsync("""{"token":{"methods":["password"],""", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>PasswordAuth with the given timeout, no HttpClient timeout, and a cache whose deadline is <see cref="FetchTimeout"/>.</summary>
    private sealed class Client : IDisposable
    {
        private readonly HttpClient _http;

        public Client(FaultServer server, TimeSpan? requestTimeout)
        {
            _http = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
            var options = new PasswordAuthOptions
            {
                AuthUrl = server.AuthUrl,
                Username = "dcmanager",
                UserDomainName = "Default",
                Password = Harness.Password,
                ProjectName = "services",
                ProjectDomainName = "Default",
                RequestTimeout = requestTimeout,
            };
            var cache = new TokenCache(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero, FetchTimeout = FetchTimeout });
            PasswordAuth password;
            try
            {
                password = new PasswordAuth(options, _http);
            }
            catch (InvalidOptionsException)
            {
                _http.Dispose();
                throw;
            }

            Auth = new CachingPasswordAuth(password, cache);
            Session = new KeystoneSession(Auth, _http);
        }

        public CachingPasswordAuth Auth { get; }

        public KeystoneSession Session { get; }

        public void Dispose()
        {
            Session.Dispose();
            _http.Dispose();
        }
    }
}
