using Keystone.Auth.Identity;

namespace Keystone.Auth.Tests;

/// <summary>
/// The auth-type registry stays consistent as methods are added: every name
/// selects one options type, no name is registered twice, and every setting
/// name translates the same way for configuration.
/// </summary>
public sealed class AuthTypeRegistryTests
{
    [Fact]
    public void Every_name_selects_exactly_one_method_whose_options_know_their_registration()
    {
        Assert.Equal(AuthPluginOptions.KnownAuthTypes.Count, AuthPluginOptions.KnownAuthTypes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var name in AuthPluginOptions.KnownAuthTypes)
        {
            var options = AuthTypes.Find(name, "test").NewOptions();
            Assert.Same(AuthTypes.Find(name, "test"), AuthTypes.For(options.GetType()));
            Assert.Contains(name, AuthTypes.For(options.GetType()).Names);
        }
    }

    [Theory]
    [InlineData(null, typeof(PasswordAuthOptions))]
    [InlineData("", typeof(PasswordAuthOptions))]
    [InlineData("  ", typeof(PasswordAuthOptions))]
    [InlineData("V3Password", typeof(PasswordAuthOptions))]
    [InlineData(" v3applicationcredential\n", typeof(ApplicationCredentialAuthOptions))]
    [InlineData("TOKEN", typeof(TokenAuthOptions))]
    [InlineData("token_endpoint", typeof(FixedTokenAuthOptions))]
    [InlineData("v3totp", typeof(TotpAuthOptions))]
    [InlineData("V3MultiFactor", typeof(MultiFactorAuthOptions))]
    public void Names_are_matched_ignoring_case_and_surrounding_white_space(string? name, Type expected)
    {
        var options = AuthPluginOptions.FromEnvironment(v => v == "OS_AUTH_TYPE" ? name : null);

        Assert.IsType(expected, options);
    }

    [Theory]
    [InlineData("OS_AUTH_URL", "AuthUrl")]
    [InlineData("OS_USERNAME", "Username")]
    [InlineData("OS_USER_DOMAIN_NAME", "UserDomainName")]
    [InlineData("OS_APPLICATION_CREDENTIAL_SECRET", "ApplicationCredentialSecret")]
    [InlineData("OS_TOKEN", "Token")]
    [InlineData("OS_PASSCODE", "Passcode")]
    [InlineData("OS_ENDPOINT", "Endpoint")]
    [InlineData("OS_TOTP_SECRET", "TotpSecret")]
    public void OS_names_translate_to_the_property_names_used_as_configuration_keys(string variable, string key)
    {
        Assert.Equal(key, SettingNames.ConfigurationKey(variable));
    }

    [Fact]
    public void Reading_settings_overlays_only_what_is_set()
    {
        var options = new ApplicationCredentialAuthOptions { ApplicationCredentialName = "sync", Username = "dcmanager", UserDomainName = "Default" };

        options.ReadSettings(v => v switch
        {
            "OS_APPLICATION_CREDENTIAL_SECRET" => "s3cret",
            "OS_USERNAME" => string.Empty,   // empty counts as unset
            _ => null,
        });

        Assert.Equal(("sync", "dcmanager", "Default", "s3cret"), (options.ApplicationCredentialName, options.Username, options.UserDomainName, options.ApplicationCredentialSecret));
    }

    [Fact]
    public void The_fixed_token_reads_OS_TOKEN_and_OS_ENDPOINT_and_uses_its_endpoint_for_sessions()
    {
        var options = FixedTokenAuthOptions.FromEnvironment(v => v switch
        {
            "OS_TOKEN" => "gAAAA-tok",
            "OS_ENDPOINT" => " http://10.10.10.3:6385/v1\n",
            _ => null,
        });

        Assert.Equal("gAAAA-tok", options.Token);
        Assert.False(options.HasCatalog);
        Assert.Equal("http://10.10.10.3:6385/v1", options.DefaultEndpoint);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void The_multi_factor_methods_read_their_passcode_sources_and_password_from_the_environment()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_TYPE"] = "v3multifactor",
            ["OS_AUTH_URL"] = "https://keystone.example:5000/v3",
            ["OS_USER_ID"] = "u1",
            ["OS_PASSWORD"] = "pw",
            ["OS_TOTP_SECRET"] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        };

        var multi = Assert.IsType<MultiFactorAuthOptions>(AuthPluginOptions.FromEnvironment(v => env.GetValueOrDefault(v)));
        Assert.Equal(("u1", "pw", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), (multi.UserId, multi.Password, multi.TotpSecret));

        env["OS_AUTH_TYPE"] = "v3totp";
        env.Remove("OS_TOTP_SECRET");
        env["OS_PASSCODE"] = "123456";
        var totp = Assert.IsType<TotpAuthOptions>(AuthPluginOptions.FromEnvironment(v => env.GetValueOrDefault(v)));
        Assert.Equal(("u1", "123456", null), (totp.UserId, totp.Passcode, totp.TotpSecret));
    }
}
