using System.Globalization;
using System.Net;
using System.Text;
using Keystone.Auth.Caching;

namespace Keystone.Auth.Benchmarks;

/// <summary>Builds realistic tokens: a fernet-sized token string and a 20-service, 3-interface catalog.</summary>
internal static class Tokens
{
    // A subcloud catalog as distcloud sees it (service type, service name, port).
    private static readonly (string Type, string Name, int Port)[] s_services =
    [
        ("identity", "keystone", 5001), ("platform", "sysinv", 6386), ("faultmanagement", "fm", 18003),
        ("usm", "usm", 5497), ("nfv", "vim", 4546), ("dcagent", "dcagent", 8326),
        ("dcorch-dbsync", "dcdbsync", 8220), ("patching", "patching", 15491), ("smapi", "smapi", 7777),
        ("key-manager", "barbican", 9311), ("compute", "nova", 8774), ("network", "neutron", 9696),
        ("image", "glance", 9292), ("volumev3", "cinderv3", 8776), ("placement", "placement", 8778),
        ("orchestration", "heat", 8004), ("cloudformation", "heat-cfn", 8000), ("alarming", "aodh", 8042),
        ("metric", "gnocchi", 8041), ("object-store", "swift", 8080),
    ];

    public const int ServiceCount = 20;

    /// <summary>The mgmt IP of subcloud <paramref name="i"/> (distinct per identity).</summary>
    public static string Host(int i) => string.Create(CultureInfo.InvariantCulture, $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");

    /// <summary>A token string of the length Keystone's fernet tokens have (~180-250 chars).</summary>
    public static string FernetLike(int i, int generation = 0)
    {
        var sb = new StringBuilder("gAAAAA", 200);
        var seed = unchecked((uint)((i * 2654435761u) ^ (uint)generation * 40503u) | 1u);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var k = 0; k < 180; k++)
        {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            sb.Append(alphabet[(int)(seed & 63)]);
        }

        return sb.ToString();
    }

    private static string Hex32(int i, int salt) => string.Create(CultureInfo.InvariantCulture, $"{i:x8}{salt:x8}{(i * 31) + salt:x8}{i ^ salt:x8}");

    /// <summary>An AccessInfo built directly (no JSON), every string distinct per identity, as the parser would produce.</summary>
    public static AccessInfo Build(int i, DateTimeOffset now, int generation = 0, bool withCatalog = true)
    {
        var host = Host(i);
        var services = new CatalogService[withCatalog ? ServiceCount : 0];
        for (var s = 0; s < services.Length; s++)
        {
            var (type, name, port) = s_services[s];
            var path = type == "identity" ? "/v3" : "/v1";
            var endpoints = new CatalogEndpoint[]
            {
                new(Hex32(i, (s * 3) + 1), "admin", "subcloud" + i.ToString(CultureInfo.InvariantCulture), "subcloud" + i.ToString(CultureInfo.InvariantCulture), $"https://{host}:{port}{path}"),
                new(Hex32(i, (s * 3) + 2), "internal", "subcloud" + i.ToString(CultureInfo.InvariantCulture), "subcloud" + i.ToString(CultureInfo.InvariantCulture), $"http://{host}:{port}{path}"),
                new(Hex32(i, (s * 3) + 3), "public", "subcloud" + i.ToString(CultureInfo.InvariantCulture), "subcloud" + i.ToString(CultureInfo.InvariantCulture), $"https://{host}:{port + 10000}{path}"),
            };
            services[s] = new CatalogService(type, name, Hex32(i, 1000 + s), endpoints);
        }

        return new AccessInfo
        {
            Token = FernetLike(i, generation),
            ExpiresAt = now.AddHours(1),
            IssuedAt = now,
            RequestedAt = now,
            Methods = ["password"],
            User = new TokenUser(Hex32(i, 7), "dcmanager", "default", "Default"),
            Project = new TokenProject(Hex32(i, 8), "services", "default", "Default"),
            Roles = [new TokenRole(Hex32(i, 9), "admin"), new TokenRole(Hex32(i, 10), "member"), new TokenRole(Hex32(i, 11), "reader")],
            AuditIds = [Hex32(i, 12)[..22]],
            Catalog = withCatalog ? new ServiceCatalog(services) : ServiceCatalog.Empty,
        };
    }

    /// <summary>The JSON body Keystone would answer for <see cref="Build"/>'s token (for PasswordAuth over an in-memory handler).</summary>
    public static string Json(int i, DateTimeOffset now)
    {
        var a = Build(i, now);
        var sb = new StringBuilder(8192);
        sb.Append("{\"token\":{\"methods\":[\"password\"],");
        sb.Append(CultureInfo.InvariantCulture, $"\"expires_at\":\"{a.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffff}Z\",\"issued_at\":\"{a.IssuedAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffff}Z\",");
        sb.Append(CultureInfo.InvariantCulture, $"\"user\":{{\"id\":\"{a.User!.Id}\",\"name\":\"dcmanager\",\"domain\":{{\"id\":\"default\",\"name\":\"Default\"}},\"password_expires_at\":null}},");
        sb.Append(CultureInfo.InvariantCulture, $"\"project\":{{\"id\":\"{a.Project!.Id}\",\"name\":\"services\",\"domain\":{{\"id\":\"default\",\"name\":\"Default\"}}}},");
        sb.Append("\"roles\":[");
        sb.AppendJoin(',', a.Roles.Select(r => $"{{\"id\":\"{r.Id}\",\"name\":\"{r.Name}\"}}"));
        sb.Append(CultureInfo.InvariantCulture, $"],\"audit_ids\":[\"{a.AuditIds[0]}\"],\"catalog\":[");
        sb.AppendJoin(',', a.Catalog.Services.Select(s =>
            $"{{\"type\":\"{s.Type}\",\"name\":\"{s.Name}\",\"id\":\"{s.Id}\",\"endpoints\":[" +
            string.Join(',', s.Endpoints.Select(e => $"{{\"id\":\"{e.Id}\",\"interface\":\"{e.Interface}\",\"region\":\"{e.Region}\",\"region_id\":\"{e.RegionId}\",\"url\":\"{e.Url}\"}}")) +
            "]}"));
        sb.Append("]}}");
        return sb.ToString();
    }
}

/// <summary>
/// Answers every request in memory: a token response for POST .../auth/tokens
/// (counted, so a benchmark can check it measured hits only), else the same
/// 200 response object every time (no allocation: isolates the client's own cost).
/// </summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    private readonly HttpResponseMessage _ok = new(HttpStatusCode.OK);
    private readonly Task<HttpResponseMessage> _okTask;
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private int _tokenPosts;

    public InMemoryHandler() => _okTask = Task.FromResult(_ok);

    public int TokenPosts => Volatile.Read(ref _tokenPosts);

    /// <summary>The identity the HTTP benchmarks authenticate as: a <see cref="PasswordAuth"/> whose token POSTs this handler answers.</summary>
    public static PasswordAuth CreatePasswordAuth(HttpClient http) => new(
        new PasswordAuthOptions
        {
            AuthUrl = "https://10.0.0.1:5001/v3",
            Username = "dcmanager",
            UserDomainName = "Default",
            Password = "bench-only",
            ProjectName = "services",
            ProjectDomainName = "Default",
        },
        http);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/auth/tokens", StringComparison.Ordinal))
        {
            var n = Interlocked.Increment(ref _tokenPosts);
            var r = new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(Tokens.Json(0, _now), Encoding.UTF8, "application/json") };
            r.Headers.TryAddWithoutValidation("X-Subject-Token", Tokens.FernetLike(0, n));
            return Task.FromResult(r);
        }

        return _okTask;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ok.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>An auth plugin that hands out one prebuilt token: lets the scale benchmarks fill a cache without HTTP.</summary>
internal sealed class StaticAuth(string cacheId, AccessInfo access) : IAuthPlugin
{
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default) => new(access);

    public bool Invalidate(AccessInfo access) => true;

    public string? GetCacheId() => cacheId;
}

/// <summary>
/// What the HTTP benchmarks share: the in-memory handler, a client over it,
/// and a caching identity whose token is already fetched (the run's one token POST).
/// </summary>
internal sealed class InMemoryIdentity : IDisposable
{
    public InMemoryIdentity()
    {
        Http = new HttpClient(Handler, disposeHandler: false);
        Auth = new CachingPasswordAuth(InMemoryHandler.CreatePasswordAuth(Http), new TokenCache());
        Token = Auth.GetAccessAsync().AsTask().GetAwaiter().GetResult().Token;
    }

    public InMemoryHandler Handler { get; } = new();

    public HttpClient Http { get; }

    public CachingPasswordAuth Auth { get; }

    public string Token { get; }

    /// <summary>The baseline: raw <see cref="HttpClient"/> with the token as a fixed header.</summary>
    public Task<HttpResponseMessage> SendRawAsync(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("X-Auth-Token", Token);
        return Http.SendAsync(request);
    }

    public void Dispose()
    {
        Http.Dispose();
        Handler.Dispose();
    }
}
