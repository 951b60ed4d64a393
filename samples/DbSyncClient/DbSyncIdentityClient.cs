using System.Text.Json;
using Keystone.Auth;

namespace DbSyncClient;

/// <summary>
/// The identity part of StarlingX's dcdbsync client (dbsyncclient): list and
/// read users, projects and roles of a (sub)cloud through its
/// <c>dcorch-dbsync</c> API, with a Keystone session that supplies the token,
/// finds the endpoint in the catalog and re-authenticates once on 401.
/// </summary>
/// <remarks>
/// <see cref="IdentityFallback"/>: a plain Keystone has no dcorch-dbsync
/// service, so the same calls go to the identity API instead, where the
/// resources live under other paths (<c>/v3/users</c> for dbsync's
/// <c>/identity/users/</c>). The session flow is the same either way.
/// </remarks>
internal sealed class DbSyncIdentityClient(KeystoneSession session, EndpointFilter dbsync, bool identityFallback)
{
    public const string ServiceType = "dcorch-dbsync";

    public bool IdentityFallback => identityFallback;

    public Task<JsonDocument> ListUsersAsync(CancellationToken ct) => GetAsync("identity/users/", "users", ct);

    public Task<JsonDocument> ListProjectsAsync(CancellationToken ct) => GetAsync("identity/projects/", "projects", ct);

    public Task<JsonDocument> ListRolesAsync(CancellationToken ct) => GetAsync("identity/roles/", "roles", ct);

    public Task<JsonDocument> GetUserAsync(string userId, CancellationToken ct) =>
        GetAsync($"identity/users/{Uri.EscapeDataString(userId)}", $"users/{Uri.EscapeDataString(userId)}", ct);

    public Task<JsonDocument> GetProjectAsync(string projectId, CancellationToken ct) =>
        GetAsync($"identity/projects/{Uri.EscapeDataString(projectId)}", $"projects/{Uri.EscapeDataString(projectId)}", ct);

    private async Task<JsonDocument> GetAsync(string dbsyncPath, string identityPath, CancellationToken ct)
    {
        // With the fallback the session's EndpointOverride points at the identity
        // endpoint, so the filter is not used; without it the catalog decides.
        var path = identityFallback ? identityPath : dbsyncPath;
        using var response = await session.GetAsync(path, dbsync, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await JsonDocument.ParseAsync(body, cancellationToken: ct);
    }
}
