using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// A Keystone look-alike on 127.0.0.1 that misbehaves on request. Token POSTs
/// (<c>/v3/auth/tokens</c>) and service calls (<c>/svc/...</c>) each take the
/// next scripted behaviour from their queue, or the well-behaved default when
/// the queue is empty. Everything is counted here, at the HTTP layer, so tests
/// never rely on the library's own counters.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    /// <summary>Keystone's real 401 body.</summary>
    public const string Keystone401Body = """{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}""";

    private readonly WebApplication _app;
    // Cancelled when the server stops; HangAsync and WaitAsync link to it so shutdown never hangs.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _tokenScript = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _serviceScript = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _liveTokens = new(StringComparer.Ordinal);
    private int _tokenPosts;
    private int _serviceCalls;

    private FaultServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The auth URL a client is configured with.</summary>
    public string AuthUrl => BaseUri + "v3";

    /// <summary>The compute endpoint the default catalog advertises.</summary>
    public string ServiceUrl => BaseUri + "svc";

    /// <summary>The server's clock (its issued_at/expires_at and its expiry checks). Real time by default.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>Lifetime of the tokens the default behaviour issues.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>When set, token POSTs carrying another password get Keystone's 401.</summary>
    public string? ExpectedPassword { get; set; }

    /// <summary>Token POSTs received (any outcome).</summary>
    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    /// <summary>Requests under /svc received (any outcome).</summary>
    public int ServiceCalls => Volatile.Read(ref _serviceCalls);

    /// <summary>Every request as "METHOD /path", in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every token the server ever issued, good or not.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    /// <summary>The X-Auth-Token of every service call, in arrival order.</summary>
    public ConcurrentQueue<string?> SeenServiceTokens { get; } = new();

    /// <summary>Service calls the default behaviour rejected because their token was unknown, revoked or expired.</summary>
    public ConcurrentQueue<string?> RejectedServiceTokens { get; } = new();

    public static Task<FaultServer> StartAsync() => StartAsync(0);

    public static async Task<FaultServer> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        var app = builder.Build();
        var server = new FaultServer(app);
        app.Run(server.DispatchAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Queues the behaviour of the next token POST that has none yet.</summary>
    public void OnToken(Func<HttpContext, Task> behaviour) => _tokenScript.Enqueue(behaviour);

    /// <summary>Queues the behaviour of the next service call that has none yet.</summary>
    public void OnService(Func<HttpContext, Task> behaviour) => _serviceScript.Enqueue(behaviour);

    /// <summary>Makes the server reject <paramref name="token"/> from now on (as after a fernet key rotation).</summary>
    public void Revoke(string token) => _liveTokens.TryRemove(token, out _);

    public void RevokeAll() => _liveTokens.Clear();

    /// <summary>A Fernet-sized random token (base64url, ~180 chars), unique per call.</summary>
    public static string NewToken()
    {
        var bytes = RandomNumberGenerator.GetBytes(130);
        return "gAAAAAB" + Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_').TrimEnd('=');
    }

    /// <summary>Keystone's timestamp format.</summary>
    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A project-scoped token body; a test may change or drop any field before issuing it.</summary>
    public JsonObject TokenBody(DateTimeOffset issuedAt, DateTimeOffset expiresAt, JsonArray? catalog = null)
    {
        return new JsonObject
        {
            ["token"] = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["user"] = new JsonObject { ["id"] = "u-1", ["name"] = "dcmanager", ["domain"] = new JsonObject { ["id"] = "default", ["name"] = "Default" } },
                ["audit_ids"] = new JsonArray("aud-1"),
                ["issued_at"] = Stamp(issuedAt),
                ["expires_at"] = Stamp(expiresAt),
                ["project"] = new JsonObject { ["id"] = "p-1", ["name"] = "services", ["domain"] = new JsonObject { ["id"] = "default", ["name"] = "Default" } },
                ["roles"] = new JsonArray(new JsonObject { ["id"] = "r-1", ["name"] = "admin" }),
                ["catalog"] = catalog ?? DefaultCatalog(),
            },
        };
    }

    public JsonArray DefaultCatalog() => new(
        Service("identity", "keystone", Endpoint("public", "RegionOne", AuthUrl)),
        Service("compute", "nova", Endpoint("public", "RegionOne", ServiceUrl), Endpoint("admin", "RegionOne", ServiceUrl + "/admin")));

    public static JsonObject Service(string type, string name, params JsonNode[] endpoints) =>
        new() { ["type"] = type, ["name"] = name, ["id"] = "s-" + type, ["endpoints"] = new JsonArray(endpoints) };

    public static JsonObject Endpoint(string @interface, string region, string url) =>
        new() { ["id"] = "e-" + @interface, ["interface"] = @interface, ["region"] = region, ["region_id"] = region, ["url"] = url };

    /// <summary>The well-behaved token answer: 201, X-Subject-Token, a body in the server's clock.</summary>
    public Task IssueTokenAsync(HttpContext context) => IssueTokenAsync(context, TokenBody(Clock(), Clock() + TokenLifetime));

    /// <summary>Issues a fresh token with the given body; the token is live until its expires_at (server clock).</summary>
    public async Task IssueTokenAsync(HttpContext context, JsonObject body, HttpStatusCode status = HttpStatusCode.Created)
    {
        var token = NewToken();
        IssuedTokens.Enqueue(token);
        var expires = body["token"]?["expires_at"]?.GetValue<string>() is { } text
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at : DateTimeOffset.MaxValue;
        _liveTokens[token] = expires;
        context.Response.StatusCode = (int)status;
        context.Response.Headers["X-Subject-Token"] = token;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    /// <summary>Writes Keystone's real 401 with its WWW-Authenticate header.</summary>
    public Task Write401Async(HttpContext context)
    {
        context.Response.StatusCode = 401;
        context.Response.Headers.WWWAuthenticate = $"Keystone uri=\"{AuthUrl}\"";
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Keystone401Body, context.RequestAborted);
    }

    /// <summary>The well-behaved service answer: 200 for a live token, Keystone's 401 otherwise.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        var token = context.Request.Headers["X-Auth-Token"].ToString();
        if (!_liveTokens.TryGetValue(token, out var expires) || expires <= Clock())
        {
            RejectedServiceTokens.Enqueue(token);
            await Write401Async(context);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"ok":true}""", context.RequestAborted);
    }

    /// <summary>Waits until the client goes away or the server stops (a request that never gets its answer).</summary>
    public async Task HangAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Waits for <paramref name="gate"/>, giving up when the client goes away or the server stops.</summary>
    public async Task<bool> WaitAsync(Task gate, HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await gate.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(grace.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _stopping.Dispose();
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Requests.Enqueue($"{context.Request.Method} {path}");
        if (path.StartsWith("/v3/auth/tokens", StringComparison.Ordinal) && HttpMethods.IsPost(context.Request.Method))
        {
            Interlocked.Increment(ref _tokenPosts);
            if (!await PasswordMatchesAsync(context))
            {
                await Write401Async(context);
                return;
            }

            await (_tokenScript.TryDequeue(out var behaviour) ? behaviour(context) : IssueTokenAsync(context));
            return;
        }

        if (path.StartsWith("/svc", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _serviceCalls);
            SeenServiceTokens.Enqueue(context.Request.Headers["X-Auth-Token"].FirstOrDefault());
            await (_serviceScript.TryDequeue(out var behaviour) ? behaviour(context) : ServeAsync(context));
            return;
        }

        if (path.StartsWith("/v3/auth/tokens", StringComparison.Ordinal))
        {
            // GET/HEAD here is token validation; without X-Auth-Token Keystone says 401.
            await Write401Async(context);
            return;
        }

        context.Response.StatusCode = 404;
        await context.Response.WriteAsync("""{"error":{"code":404,"message":"Could not find the resource.","title":"Not Found"}}""", context.RequestAborted);
    }

    private async Task<bool> PasswordMatchesAsync(HttpContext context)
    {
        if (ExpectedPassword is null)
        {
            return true;
        }

        using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var sent = doc.RootElement.GetProperty("auth").GetProperty("identity").GetProperty("password").GetProperty("user").GetProperty("password").GetString();
        return string.Equals(sent, ExpectedPassword, StringComparison.Ordinal);
    }
}

/// <summary>Canned misbehaviours for <see cref="FaultServer.OnToken"/> and <see cref="FaultServer.OnService"/>.</summary>
public static class Faults
{
    public static Func<HttpContext, Task> Status(int status, string? body = null, string contentType = "application/json", params (string Name, string Value)[] headers) => async context =>
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (body is not null)
        {
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body, context.RequestAborted);
        }
    };

    /// <summary>Sends the status line, headers and the first part of <paramref name="body"/>, then kills the connection.</summary>
    public static Func<HttpContext, Task> AbortMidBody(int status, string body, int sendBytes, params (string Name, string Value)[] headers) => async context =>
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = bytes.Length;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.Body.WriteAsync(bytes.AsMemory(0, sendBytes), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        context.Abort();
    };

    /// <summary>Kills the connection before any byte of the answer.</summary>
    public static Func<HttpContext, Task> AbortBeforeHeaders() => context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };
}
