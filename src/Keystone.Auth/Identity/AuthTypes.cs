using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Identity;

/// <summary>
/// The auth methods by their <c>OS_AUTH_TYPE</c> / <c>AuthType</c> /
/// clouds.yaml <c>auth_type</c> names. This list is the one place a method is
/// registered: environment, configuration, clouds.yaml, dependency injection
/// and <see cref="IKeystoneAuthFactory"/> all find methods here, and read
/// their settings through <see cref="AuthPluginOptions.ReadSettings"/>.
/// </summary>
internal static class AuthTypes
{
    /// <summary>The variable that names the method.</summary>
    public const string Variable = "OS_AUTH_TYPE";

    // Names as keystoneauth registers them (its setup.cfg entry points), plus
    // the short forms the brief and openstacksdk users write.
    private static readonly AuthType[] s_all =
    [
        AuthType.Of<PasswordAuthOptions>((o, http, logs, time) => new PasswordAuth(o, http, logs.CreateLogger<PasswordAuth>(), time), "password", "v3password"),
        AuthType.Of<ApplicationCredentialAuthOptions>((o, http, logs, time) => new ApplicationCredentialAuth(o, http, logs.CreateLogger<ApplicationCredentialAuth>(), time), "v3applicationcredential", "applicationcredential"),
        AuthType.Of<TokenAuthOptions>((o, http, logs, time) => new TokenAuth(o, http, logs.CreateLogger<TokenAuth>(), time), "v3token", "token"),
        AuthType.Of<TotpAuthOptions>((o, http, logs, time) => new TotpAuth(o, http, logs.CreateLogger<TotpAuth>(), time), "v3totp"),
        AuthType.Of<MultiFactorAuthOptions>((o, http, logs, time) => new MultiFactorAuth(o, http, logs.CreateLogger<MultiFactorAuth>(), time), "v3multifactor"),
        AuthType.Of<FixedTokenAuthOptions>((o, _, _, _) => new FixedTokenAuth(o), "admin_token", "token_endpoint"),
    ];

    /// <summary>Every name accepted, in registration order, for error messages.</summary>
    public static IEnumerable<string> Names => s_all.SelectMany(t => t.Names);

    /// <summary>
    /// The method named <paramref name="authType"/> (case-insensitive, trimmed);
    /// password when it is null or blank, as keystoneauth and openstacksdk default.
    /// </summary>
    /// <param name="authType">The name as written.</param>
    /// <param name="setting">Where it was read (<c>OS_AUTH_TYPE</c>, <c>AuthType</c>), for the error.</param>
    /// <exception cref="InvalidOptionsException">No method has that name; the message lists the known ones.</exception>
    public static AuthType Find(string? authType, string setting)
    {
        var name = authType?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            return s_all[0];
        }

        return s_all.FirstOrDefault(t => t.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            ?? throw new InvalidOptionsException(nameof(AuthPluginOptions), [$"{setting} '{name}' is not a known auth type; known: {string.Join(", ", Names)}"]);
    }

    /// <summary>The registration of an options type (every concrete <see cref="AuthPluginOptions"/> has one).</summary>
    public static AuthType For(Type optionsType) =>
        s_all.FirstOrDefault(t => t.OptionsType == optionsType)
            ?? throw new InvalidOperationException($"{optionsType.Name} is not registered in AuthTypes.");
}
