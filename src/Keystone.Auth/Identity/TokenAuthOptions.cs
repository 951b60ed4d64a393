using System.Text;
using System.Text.Json.Serialization;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="TokenAuth"/> (keystoneauth's <c>v3.Token</c>): an
/// existing <see cref="Token"/> and the scope the new token should have, e.g.
/// a project to rescope an unscoped token to.
/// </summary>
public sealed class TokenAuthOptions : ScopedIdentityOptions
{
    /// <summary>The existing token. Required. Never logged, printed, serialized or used as a cache key in clear.</summary>
    [JsonIgnore]
    public string? Token { get; set; }

    /// <summary>
    /// Reads <c>OS_AUTH_URL</c>, <c>OS_TOKEN</c> and the scope variables
    /// (<c>OS_PROJECT_*</c>, <c>OS_DOMAIN_*</c>, <c>OS_SYSTEM_SCOPE</c>, <c>OS_TRUST_ID</c>).
    /// </summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static new TokenAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new TokenAuthOptions();
        options.ReadEnvironment(getVariable ?? Environment.GetEnvironmentVariable);
        return options;
    }

    private protected override void CheckMethod(List<string> failures)
    {
        if (!IsSet(Token))
        {
            failures.Add("Token is required");
        }
    }

    private protected override void AppendFields(StringBuilder text)
    {
        AppendSecret(text, nameof(Token), Token);
        AppendScope(text);
    }

    private protected override void ReadMethodEnvironment(Func<string, string?> get) => Token = get("OS_TOKEN") ?? Token;
}
