using System.Text;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="ApplicationCredentialAuth"/> (keystoneauth's
/// <c>v3.ApplicationCredential</c>): the credential by
/// <see cref="ApplicationCredentialId"/>, or by <see cref="ApplicationCredentialName"/>
/// with its user (<see cref="UserId"/>, or <see cref="Username"/> with
/// <see cref="UserDomainId"/> or <see cref="UserDomainName"/>), and always its
/// <see cref="ApplicationCredentialSecret"/>.
/// </summary>
/// <remarks>
/// There is no scope to set: an application credential carries its project and
/// roles, and Keystone refuses a token request for one that also names a scope.
/// </remarks>
public sealed class ApplicationCredentialAuthOptions : KeystoneIdentityOptions
{
    /// <summary>The application credential's id; identifies it on its own.</summary>
    public string? ApplicationCredentialId { get; set; }

    /// <summary>The application credential's name; needs its user.</summary>
    public string? ApplicationCredentialName { get; set; }

    /// <summary>The secret. Required. Never logged, printed, serialized or used as a cache key in clear.</summary>
    [JsonIgnore]
    public string? ApplicationCredentialSecret { get; set; }

    /// <summary>The id of the credential's user (with <see cref="ApplicationCredentialName"/>).</summary>
    public string? UserId { get; set; }

    /// <summary>The name of the credential's user; needs <see cref="UserDomainId"/> or <see cref="UserDomainName"/>.</summary>
    public string? Username { get; set; }

    /// <summary>The id of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainId { get; set; }

    /// <summary>The name of the user's domain (with <see cref="Username"/>).</summary>
    public string? UserDomainName { get; set; }

    /// <summary>
    /// Reads <c>OS_AUTH_URL</c>, <c>OS_APPLICATION_CREDENTIAL_ID</c>,
    /// <c>OS_APPLICATION_CREDENTIAL_NAME</c>, <c>OS_APPLICATION_CREDENTIAL_SECRET</c>
    /// and the user variables (<c>OS_USER_ID</c>, <c>OS_USERNAME</c>,
    /// <c>OS_USER_DOMAIN_ID</c>/<c>_NAME</c>). Scope variables are not read.
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static new ApplicationCredentialAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new ApplicationCredentialAuthOptions();
        options.ReadEnvironment(getVariable ?? Environment.GetEnvironmentVariable);
        return options;
    }

    private protected override void CheckMethod(List<string> failures)
    {
        if (!IsSet(ApplicationCredentialSecret))
        {
            failures.Add("ApplicationCredentialSecret is required");
        }

        if (IsSet(ApplicationCredentialId))
        {
            Exclusive(failures, ApplicationCredentialId, ApplicationCredentialName, nameof(ApplicationCredentialId), nameof(ApplicationCredentialName));
        }
        else if (IsSet(ApplicationCredentialName))
        {
            if (!IsSet(UserId) && !IsSet(Username))
            {
                failures.Add("ApplicationCredentialName requires UserId, or Username with UserDomainId or UserDomainName (names are unique per user)");
            }

            UserRef.Check(failures, UserId, Username, UserDomainId, UserDomainName, required: false);
        }
        else
        {
            failures.Add("set ApplicationCredentialId, or ApplicationCredentialName with its user");
        }
    }

    private protected override void AppendFields(StringBuilder text)
    {
        Append(text, nameof(ApplicationCredentialId), ApplicationCredentialId);
        Append(text, nameof(ApplicationCredentialName), ApplicationCredentialName);
        AppendSecret(text, nameof(ApplicationCredentialSecret), ApplicationCredentialSecret);
        Append(text, nameof(UserId), UserId);
        Append(text, nameof(Username), Username);
        Append(text, nameof(UserDomainId), UserDomainId);
        Append(text, nameof(UserDomainName), UserDomainName);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get)
    {
        ApplicationCredentialId = get("OS_APPLICATION_CREDENTIAL_ID") ?? ApplicationCredentialId;
        ApplicationCredentialName = get("OS_APPLICATION_CREDENTIAL_NAME") ?? ApplicationCredentialName;
        ApplicationCredentialSecret = get("OS_APPLICATION_CREDENTIAL_SECRET") ?? ApplicationCredentialSecret;
        UserId = get("OS_USER_ID") ?? UserId;
        Username = get("OS_USERNAME") ?? Username;
        UserDomainId = get("OS_USER_DOMAIN_ID") ?? UserDomainId;
        UserDomainName = get("OS_USER_DOMAIN_NAME") ?? UserDomainName;
    }
}
