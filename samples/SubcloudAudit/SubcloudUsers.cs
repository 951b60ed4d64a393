using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Keystone.Auth;

namespace SubcloudAudit;

/// <summary>
/// Stands in for N subclouds on one Keystone: one user per "subcloud"
/// (<c>audit-sc-0001</c>…), each with the <c>member</c> role on the admin's
/// project, so every subcloud is a distinct identity with its own token, as
/// dcmanager's are. Made (or re-passworded) with the admin session, removed by
/// <see cref="DeleteAsync"/>.
/// </summary>
internal sealed class SubcloudUsers(KeystoneSession admin, string prefix)
{
    private static readonly EndpointFilter Identity = new("identity", EndpointInterface.Public);

    public async Task<IReadOnlyList<PasswordAuthOptions>> EnsureAsync(int count, PasswordAuthOptions template, CancellationToken ct)
    {
        var access = await admin.GetAccessAsync(ct);
        var projectId = access.Project?.Id ?? throw new InvalidOperationException("The admin token is not project-scoped (set OS_PROJECT_NAME).");
        var domainId = access.User?.DomainId ?? "default";
        var roleId = await FindRoleAsync("member", ct);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var existing = await ListAsync(ct);
        var result = new PasswordAuthOptions[count];

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
        {
            var name = $"{prefix}{i + 1:D4}";
            string id;
            if (existing.TryGetValue(name, out var found))
            {
                id = found;
                using var patch = await admin.PatchAsync($"/users/{id}", Json(new { user = new { password } }), Identity, token);
            }
            else
            {
                using var created = await admin.PostAsync("/users", Json(new { user = new { name, password, domain_id = domainId, enabled = true } }), Identity, token);
                using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(token));
                id = body.RootElement.GetProperty("user").GetProperty("id").GetString()!;
            }

            using var grant = await admin.PutAsync($"/projects/{projectId}/users/{id}/roles/{roleId}", null, Identity, token);
            result[i] = new PasswordAuthOptions
            {
                AuthUrl = template.AuthUrl,
                UserId = id,
                Password = password,
                ProjectId = projectId,
            };
        });

        return result;
    }

    /// <summary>
    /// A JSON body with a Content-Length. JsonContent has none, so HttpClient
    /// sends it chunked, and Keystone under uwsgi's http-socket reads no
    /// chunked body (a 400 "'name' is a required property").
    /// </summary>
    private static StringContent Json<T>(T value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public async Task<int> DeleteAsync(CancellationToken ct)
    {
        var users = await ListAsync(ct);
        foreach (var id in users.Values)
        {
            using var deleted = await admin.DeleteAsync($"/users/{id}", Identity, ct);
        }

        return users.Count;
    }

    private async Task<Dictionary<string, string>> ListAsync(CancellationToken ct)
    {
        using var response = await admin.GetAsync("/users", Identity, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty("users").EnumerateArray()
            .Where(u => u.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(u => u.GetProperty("name").GetString()!, u => u.GetProperty("id").GetString()!);
    }

    private async Task<string> FindRoleAsync(string name, CancellationToken ct)
    {
        using var response = await admin.GetAsync($"/roles?name={name}", Identity, ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return body.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("id").GetString()).FirstOrDefault()
            ?? throw new InvalidOperationException($"Keystone has no role '{name}'.");
    }
}
