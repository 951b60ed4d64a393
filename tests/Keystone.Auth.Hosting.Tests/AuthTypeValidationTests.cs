using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// Bad auth types fail when registered, bad method settings at start-up; each
/// message names the setting, and none shows a secret.
/// </summary>
public sealed class AuthTypeValidationTests
{
    private static readonly string[] s_known =
        ["password", "v3password", "v3applicationcredential", "applicationcredential", "v3token", "token", "admin_token", "token_endpoint"];

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public void An_unknown_AuthType_fails_at_registration_naming_the_key_and_listing_the_known_types()
    {
        var values = MethodSettings.Section("password");
        values["Keystone:AuthType"] = "v3kerberos";
        var configuration = Configuration(values);
        var services = new ServiceCollection();

        var ex = Assert.Throws<InvalidOptionsException>(() => services.AddKeystoneAuth(configuration.GetSection("Keystone")));

        Assert.StartsWith("Keystone:AuthType 'v3kerberos' is not a known auth type; known: ", ex.Failures.Single(), StringComparison.Ordinal);
        Assert.All(s_known, name => Assert.Contains(name, ex.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(Fixtures.Password, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IAuthPlugin));
    }

    [Fact]
    public void An_unknown_OS_AUTH_TYPE_fails_naming_the_variable_and_listing_the_known_types()
    {
        var env = MethodSettings.Environment("password");
        env["OS_AUTH_TYPE"] = "v3oidcpassword";

        var fromDi = Assert.Throws<InvalidOptionsException>(() => new ServiceCollection().AddKeystoneAuthFromEnvironment(getVariable: env.GetValueOrDefault));
        var direct = Assert.Throws<InvalidOptionsException>(() => AuthPluginOptions.FromEnvironment(env.GetValueOrDefault));

        foreach (var ex in new[] { fromDi, direct })
        {
            Assert.StartsWith("OS_AUTH_TYPE 'v3oidcpassword' is not a known auth type; known: ", ex.Failures.Single(), StringComparison.Ordinal);
            Assert.All(s_known, name => Assert.Contains(name, ex.Message, StringComparison.Ordinal));
            Assert.DoesNotContain(Fixtures.Password, ex.Message, StringComparison.Ordinal);
        }

        // A superset: methods registered later (TOTP, multi-factor) add names.
        Assert.Subset(AuthPluginOptions.KnownAuthTypes.ToHashSet(), s_known.ToHashSet());
    }

    [Theory]
    [InlineData("v3applicationcredential", "Keystone:ApplicationCredentialSecret", "ApplicationCredentialSecret is required")]
    [InlineData("v3applicationcredential", "Keystone:ApplicationCredentialId", "set ApplicationCredentialId, or ApplicationCredentialName with its user")]
    [InlineData("v3token", "Keystone:Token", "Token is required")]
    [InlineData("admin_token", "Keystone:Endpoint", "Endpoint")]
    [InlineData("admin_token", "Keystone:Token", "Token is required")]
    [InlineData("password", "Keystone:Password", "Password is required")]
    public void A_missing_setting_fails_at_start_naming_it(string authType, string missing, string expected)
    {
        var values = MethodSettings.Section(authType);
        values.Remove(missing);
        var configuration = Configuration(values);
        using var provider = TestServices.Build(new RecordingCloud(), s => s.AddKeystoneAuth("subcloud1", configuration.GetSection("Keystone")).AddTokenCaching());

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("subcloud1", ex.OptionsName);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        AssertNoSecret(ex.Message);
    }

    [Fact]
    public void A_fixed_token_that_is_no_header_value_fails_at_start_without_showing_it()
    {
        var injected = MethodSettings.Token + "\r\nX-Evil: 1";
        using var provider = TestServices.Build(new RecordingCloud(), s => s.AddKeystoneAuth<FixedTokenAuthOptions>(o =>
        {
            o.Token = injected;
            o.Endpoint = "http://10.10.10.3:6385/v1";
        }));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Token must be visible ASCII", ex.Message, StringComparison.Ordinal);
        AssertNoSecret(ex.Message);
    }

    [Fact]
    public void An_application_credential_by_name_without_its_user_fails_without_showing_the_secret()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_TYPE"] = "v3applicationcredential",
            ["OS_AUTH_URL"] = MethodSettings.AuthUrl,
            ["OS_APPLICATION_CREDENTIAL_NAME"] = "sync",
            ["OS_APPLICATION_CREDENTIAL_SECRET"] = MethodSettings.Secret,
        };
        using var provider = TestServices.Build(new RecordingCloud(), s => s.AddKeystoneAuthFromEnvironment(getVariable: env.GetValueOrDefault));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ApplicationCredentialName requires UserId", ex.Message, StringComparison.Ordinal);
        AssertNoSecret(ex.Message);

        // The factory's run-time path refuses the same options the same way, before any request.
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
        var direct = Assert.Throws<InvalidOptionsException>(() => factory.CreateAuth(AuthPluginOptions.FromEnvironment(env.GetValueOrDefault)));
        Assert.Contains("ApplicationCredentialName requires UserId", direct.Message, StringComparison.Ordinal);
        AssertNoSecret(direct.Message);
    }

    [Fact]
    public void Configured_options_never_show_their_secret()
    {
        foreach (var authType in s_known)
        {
            var env = MethodSettings.Environment(authType);
            env["OS_AUTH_TYPE"] = authType;
            AssertNoSecret(AuthPluginOptions.FromEnvironment(env.GetValueOrDefault).ToString()!);
        }
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Fixtures.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(MethodSettings.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(MethodSettings.Token, text, StringComparison.Ordinal);
    }
}
