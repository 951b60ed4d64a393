using System.Text;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Real credentials on the real Keystone for each auth type name, as the
/// settings a user writes: the <c>auth</c> keys of clouds.yaml, which are the
/// <c>OS_*</c> variables without <c>OS_</c>, in lower case. Made with plain
/// HTTP (<see cref="MethodsAdminApi"/>, <see cref="MfaUsers"/>), never with the library.
/// </summary>
internal sealed class SelectedMethods(KeystoneFixture fx) : IDisposable
{
    private readonly MethodsAdminApi _api = new(fx.AuthUrl);
    private readonly MfaUsers _users = new(fx);
    private readonly List<AppCredential> _credentials = [];

    /// <summary>Every name OS_AUTH_TYPE / auth_type accepts, by the method it selects.</summary>
    public static TheoryData<string> AuthTypes =>
        ["password", "v3password", "v3applicationcredential", "applicationcredential", "v3token", "token", "v3totp", "v3multifactor", "admin_token", "token_endpoint"];

    /// <summary>
    /// The settings for <paramref name="authType"/> and what the token must
    /// show. <paramref name="fromFile"/> varies how the same method is
    /// written (e.g. an application credential by id in the environment, by
    /// name + user in the file), so both forms meet the real server.
    /// </summary>
    public async Task<(Dictionary<string, string> Auth, Expected Expected)> PrepareAsync(string authType, bool fromFile)
    {
        var alpha = fx.Seed.AlphaId;
        switch (authType)
        {
            case "password" or "v3password":
                return (new()
                {
                    ["auth_url"] = fx.AuthUrl, ["username"] = SeedData.AliceName, ["user_domain_name"] = "Default",
                    ["password"] = SeedData.AlicePassword, ["project_name"] = SeedData.AlphaName, ["project_domain_name"] = "Default",
                }, new(typeof(PasswordAuth), fx.Seed.AliceId, alpha, ["password"]));

            case "v3applicationcredential" or "applicationcredential":
                var credential = await _api.CreateApplicationCredentialAsync(fx.Seed.AliceId, SeedData.AliceName, SeedData.AlicePassword, alpha);
                _credentials.Add(credential);
                var appcred = new Dictionary<string, string> { ["auth_url"] = fx.AuthUrl, ["application_credential_secret"] = credential.Secret };
                if (fromFile)
                {
                    appcred["application_credential_name"] = credential.Name;
                    appcred["username"] = SeedData.AliceName;
                    appcred["user_domain_id"] = "default";
                }
                else
                {
                    appcred["application_credential_id"] = credential.Id;
                }

                return (appcred, new(typeof(ApplicationCredentialAuth), fx.Seed.AliceId, alpha, ["application_credential"]));

            case "v3token" or "token":
                // Unscoped: only the scope asked for can put alpha in the new token.
                var source = await _api.IssueAsync(SeedData.AliceName, "default", SeedData.AlicePassword, MethodsAdminApi.Unscoped);
                return (new() { ["auth_url"] = fx.AuthUrl, ["token"] = source.Token, ["project_id"] = alpha },
                    new(typeof(TokenAuth), fx.Seed.AliceId, alpha, ["password", "token"]));

            case "v3totp":
                var totpUser = await _users.CreateAsync(multiFactorRules: false);
                var totp = new Dictionary<string, string> { ["auth_url"] = fx.AuthUrl, ["user_id"] = totpUser.Id, ["project_id"] = alpha };

                // The file carries a one-shot passcode (computed here, RFC 6238
                // written independently of the library), the environment the secret.
                if (fromFile)
                {
                    totp["passcode"] = MfaUsers.Passcode(totpUser.TotpSecret, DateTimeOffset.UtcNow);
                }
                else
                {
                    totp["totp_secret"] = totpUser.TotpSecret;
                }

                return (totp, new(typeof(TotpAuth), totpUser.Id, alpha, ["totp"]));

            case "v3multifactor":
                var mfaUser = await _users.CreateAsync();
                return (new()
                {
                    ["auth_url"] = fx.AuthUrl, ["username"] = mfaUser.Name, ["user_domain_name"] = "Default", ["password"] = mfaUser.Password,
                    ["totp_secret"] = mfaUser.TotpSecret, ["project_name"] = SeedData.AlphaName, ["project_domain_name"] = "Default",
                }, new(typeof(MultiFactorAuth), mfaUser.Id, alpha, ["password", "totp"]));

            case "admin_token" or "token_endpoint":
                var forwarded = await _api.IssueAsync(SeedData.AliceName, "default", SeedData.AlicePassword, MethodsAdminApi.ProjectScope(alpha));
                return (new() { ["token"] = forwarded.Token, ["endpoint"] = fx.AuthUrl },
                    new(typeof(FixedTokenAuth), null, alpha, [], forwarded.Token));

            default:
                throw new ArgumentOutOfRangeException(nameof(authType), authType, "no credentials for this auth type");
        }
    }

    /// <summary>The settings as <c>OS_*</c> variables, with <c>OS_AUTH_TYPE</c>.</summary>
    public static Dictionary<string, string> AsEnvironment(string authType, Dictionary<string, string> auth)
    {
        var env = auth.ToDictionary(p => "OS_" + p.Key.ToUpperInvariant(), p => p.Value, StringComparer.Ordinal);
        env["OS_AUTH_TYPE"] = authType;
        return env;
    }

    /// <summary>A clouds.yaml with one cloud: auth_type, region, interface and the auth map (values quoted).</summary>
    public static string AsCloudsYaml(string cloud, string authType, Dictionary<string, string> auth)
    {
        var text = new StringBuilder()
            .Append("clouds:\n  ").Append(cloud).Append(":\n")
            .Append("    auth_type: ").Append(authType).Append('\n')
            .Append("    region_name: RegionOne\n    interface: public\n    auth:\n");
        foreach (var (key, value) in auth)
        {
            text.Append("      ").Append(key).Append(": '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        return text.ToString();
    }

    public void Dispose()
    {
        foreach (var credential in _credentials)
        {
            _api.DeleteApplicationCredentialAsync(fx.Seed.AliceId, SeedData.AliceName, SeedData.AlicePassword, credential).GetAwaiter().GetResult();
        }

        _users.Dispose();
    }
}

/// <summary>
/// What a method's token must show: the plugin type, the user and project,
/// the methods Keystone lists (in any order), and for a fixed token the token itself.
/// </summary>
internal sealed record Expected(Type PluginType, string? UserId, string ProjectId, string[] Methods, string? FixedToken = null)
{
    public bool IsFixed => FixedToken is not null;

    // Records print every member: keep the token out of assertion messages.
    public override string ToString() => $"Expected {{ {PluginType.Name}, User = {UserId}, Project = {ProjectId} }}";
}
