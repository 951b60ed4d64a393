using System.Text.Json;

namespace Keystone.Auth.Identity;

/// <summary>
/// A user given by id, or by name with its domain's id or name: checked,
/// written, fingerprinted and described the same way by every method that names
/// a user (password, application credential by name).
/// </summary>
internal static class UserRef
{
    /// <summary>Adds what is wrong with the user fields; <paramref name="required"/> says whether a user must be given.</summary>
    public static void Check(List<string> failures, string? userId, string? username, string? domainId, string? domainName, bool required)
    {
        if (Set(userId))
        {
            // A user id identifies the user on its own (keystoneauth ignores
            // the name and domain then); nothing more to check.
            return;
        }

        if (Set(username))
        {
            if (Set(domainId) && Set(domainName))
            {
                failures.Add("set UserDomainId or UserDomainName, not both");
            }
            else if (!Set(domainId) && !Set(domainName))
            {
                failures.Add("Username requires UserDomainId or UserDomainName");
            }
        }
        else if (required)
        {
            failures.Add("set UserId, or Username with UserDomainId or UserDomainName");
        }
    }

    /// <summary>Writes <c>"id":…</c>, or <c>"name":…,"domain":{…}</c>, into the open user object.</summary>
    public static void WriteFields(Utf8JsonWriter w, string? userId, string? username, string? domainId, string? domainName)
    {
        if (Set(userId))
        {
            w.WriteString("id", userId);
        }
        else
        {
            w.WriteString("name", username);
            Scope.WriteRef(w, "domain", domainId, domainName);
        }
    }

    /// <summary>Adds the user to the cache identity (the id alone when given: it alone decides).</summary>
    public static void AddTo(CacheIdentity id, string? userId, string? username, string? domainId, string? domainName)
    {
        if (Set(userId))
        {
            id.Add("user_id", userId);
        }
        else
        {
            id.Add("username", username);
            id.Add("user_domain_id", domainId);
            id.Add("user_domain_name", domainName);
        }
    }

    /// <summary>For logs.</summary>
    public static string Describe(string? userId, string? username, string? domainId, string? domainName) =>
        Set(userId) ? $"user id {userId}" : $"user {username}@{domainName ?? domainId}";

    private static bool Set(string? value) => !string.IsNullOrEmpty(value);
}
