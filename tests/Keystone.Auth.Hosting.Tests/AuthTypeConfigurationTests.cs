using Keystone.Auth.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// <c>OS_AUTH_TYPE</c> and configuration's <c>AuthType</c> select every method
/// through DI, with token caching, start-up validation and the session; what
/// each method sends is checked at the wire.
/// </summary>
public sealed class AuthTypeConfigurationTests
{
    private static readonly EndpointFilter Platform = new("platform", EndpointInterface.Admin, "subcloud1");

    public static TheoryData<string> AuthTypes =>
        ["password", "v3password", "v3applicationcredential", "applicationcredential", "v3token", "token", "admin_token", "token_endpoint"];

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Theory]
    [MemberData(nameof(AuthTypes))]
    public async Task Configuration_AuthType_selects_the_method_and_token_caching_covers_it(string authType)
    {
        var cloud = new RecordingCloud();
        var configuration = Configuration(MethodSettings.Section(authType));
        using var provider = TestServices.Build(cloud, s => s.AddKeystoneAuth(configuration.GetSection("Keystone")).AddTokenCaching());

        provider.GetRequiredService<IStartupValidator>().Validate();
        await AssertWorks(authType, provider, cloud);
    }

    [Theory]
    [MemberData(nameof(AuthTypes))]
    public async Task OS_AUTH_TYPE_selects_the_method_and_token_caching_covers_it(string authType)
    {
        var cloud = new RecordingCloud();
        var env = MethodSettings.Environment(authType);
        env["OS_AUTH_TYPE"] = authType;
        using var provider = TestServices.Build(cloud, s => s.AddKeystoneAuthFromEnvironment(getVariable: env.GetValueOrDefault).AddTokenCaching());

        provider.GetRequiredService<IStartupValidator>().Validate();
        await AssertWorks(authType, provider, cloud);
    }

    [Fact]
    public async Task Without_an_auth_type_configuration_and_environment_mean_password()
    {
        var cloud = new RecordingCloud();
        var values = MethodSettings.Section("password");
        values.Remove("Keystone:AuthType");
        var configuration = Configuration(values);
        using var provider = TestServices.Build(cloud, s =>
        {
            s.AddKeystoneAuth(configuration.GetSection("Keystone"));
            s.AddKeystoneAuthFromEnvironment("env", MethodSettings.Environment("password").GetValueOrDefault);
        });

        Assert.IsType<PasswordAuth>(provider.GetRequiredService<IAuthPlugin>());
        Assert.IsType<PasswordAuth>(provider.GetRequiredKeyedService<IAuthPlugin>("env"));
        await provider.GetRequiredService<IAuthPlugin>().GetAccessAsync();
        MethodSettings.AssertSent("password", cloud);
    }

    [Fact]
    public void AuthType_is_read_ignoring_case_and_surrounding_white_space()
    {
        var values = MethodSettings.Section("v3applicationcredential");
        values["Keystone:AuthType"] = " V3ApplicationCredential\n";
        var configuration = Configuration(values);
        using var provider = TestServices.Build(new RecordingCloud(), s => s.AddKeystoneAuth(configuration.GetSection("Keystone")));

        Assert.IsType<ApplicationCredentialAuth>(provider.GetRequiredService<IAuthPlugin>());
    }

    [Fact]
    public async Task Named_identities_of_different_methods_live_side_by_side()
    {
        var cloud = new RecordingCloud();
        var values = MethodSettings.Section("password", "Central");
        foreach (var (key, value) in MethodSettings.Section("v3applicationcredential", "Subcloud1"))
        {
            values[key] = value;
        }

        var configuration = Configuration(values);
        using var provider = TestServices.Build(cloud, s =>
        {
            s.AddKeystoneAuth("central", configuration.GetSection("Central")).AddTokenCaching();
            s.AddKeystoneAuth("subcloud1", configuration.GetSection("Subcloud1")).AddTokenCaching();
            s.AddKeystoneAuth<FixedTokenAuthOptions>("forwarded", o =>
            {
                o.Token = MethodSettings.Token;
                o.Endpoint = "http://10.10.10.3:6385/v1";
            }).AddTokenCaching();
        });
        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.IsType<PasswordAuth>(Inner(provider.GetRequiredKeyedService<IAuthPlugin>("central")));
        Assert.IsType<ApplicationCredentialAuth>(Inner(provider.GetRequiredKeyedService<IAuthPlugin>("subcloud1")));
        Assert.IsType<FixedTokenAuth>(provider.GetRequiredKeyedService<IAuthPlugin>("forwarded"));

        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
        using (var r = await factory.CreateSession("subcloud1").GetAsync("/ihosts", Platform))
        {
            MethodSettings.AssertSent("v3applicationcredential", cloud);
        }

        using (var r = await factory.CreateSession("forwarded").GetAsync("/ihosts"))
        {
            Assert.Equal(1, cloud.TokenPosts);
            Assert.Equal(("http://10.10.10.3:6385/v1/ihosts", MethodSettings.Token), cloud.Calls.Last());
        }
    }

    [Fact]
    public async Task Any_method_can_be_configured_in_code()
    {
        var cloud = new RecordingCloud();
        using var provider = TestServices.Build(cloud, s => s.AddKeystoneAuth<ApplicationCredentialAuthOptions>(o =>
        {
            o.AuthUrl = MethodSettings.AuthUrl;
            o.ApplicationCredentialId = "ac-1";
            o.ApplicationCredentialSecret = MethodSettings.Secret;
        }).AddTokenCaching());

        provider.GetRequiredService<IStartupValidator>().Validate();
        await provider.GetRequiredService<IAuthPlugin>().GetAccessAsync();

        Assert.IsType<ApplicationCredentialAuth>(Inner(provider.GetRequiredService<IAuthPlugin>()));
        MethodSettings.AssertSent("v3applicationcredential", cloud);
    }

    [Theory]
    [MemberData(nameof(AuthTypes))]
    public async Task The_factory_makes_sessions_for_every_method_from_OS_AUTH_TYPE(string authType)
    {
        var cloud = new RecordingCloud();
        using var provider = TestServices.Build(cloud, s => s.AddKeystoneAuthFactory().AddTokenCaching());
        var env = MethodSettings.Environment(authType);
        env["OS_AUTH_TYPE"] = authType;
        var options = AuthPluginOptions.FromEnvironment(env.GetValueOrDefault);
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();

        var auth = factory.CreateAuth(options);
        Assert.IsType(MethodSettings.PluginType(authType), Inner(auth));
        Assert.Equal(MethodSettings.PluginType(authType) == typeof(FixedTokenAuth), auth is not CachingPasswordAuth);

        using var session = factory.CreateSession(options);
        using (await session.GetAsync("/ihosts", Platform))
        {
        }

        using (await factory.CreateSession(options).GetAsync("/ihosts", Platform))
        {
        }

        AssertCalls(authType, cloud);
    }

    [Fact]
    public async Task A_handler_over_a_fixed_token_identity_sends_relative_URLs_to_its_endpoint()
    {
        var cloud = new RecordingCloud();
        using var provider = TestServices.Build(cloud, s =>
        {
            s.AddKeystoneAuth<FixedTokenAuthOptions>(o =>
            {
                o.Token = MethodSettings.Token;
                o.Endpoint = "http://10.10.10.3:6385/v1";
            }).AddTokenCaching();
            s.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler();
        });

        using var response = await provider.GetRequiredService<SysinvClient>().GetHostsAsync();

        Assert.Equal(0, cloud.TokenPosts);
        Assert.Equal(("http://10.10.10.3:6385/v1/ihosts", MethodSettings.Token), cloud.Calls.Single());
    }

    [Fact]
    public async Task Environment_variables_overlay_what_was_configured_before_and_leave_the_rest()
    {
        var cloud = new RecordingCloud();
        var env = MethodSettings.Environment("v3token");
        env.Remove("OS_PROJECT_ID");
        env["OS_AUTH_TYPE"] = "v3token";
        using var provider = TestServices.Build(cloud, s =>
        {
            s.Configure<TokenAuthOptions>(o =>
            {
                o.ProjectId = "p-2";
                o.Token = "replaced-by-OS_TOKEN";
            });
            s.AddKeystoneAuthFromEnvironment(getVariable: env.GetValueOrDefault);
        });

        await provider.GetRequiredService<IAuthPlugin>().GetAccessAsync();

        MethodSettings.AssertSent("v3token", cloud);
    }

    private static async Task AssertWorks(string authType, ServiceProvider provider, RecordingCloud cloud)
    {
        var auth = provider.GetRequiredService<IAuthPlugin>();
        Assert.IsType(MethodSettings.PluginType(authType), Inner(auth));
        var session = provider.GetRequiredService<KeystoneSession>();

        // Two calls, one token POST: the token cache covers every method but the fixed token, which needs none.
        using (await session.GetAsync("/ihosts", Platform))
        {
        }

        using (await session.GetAsync("/ihosts", Platform))
        {
        }

        AssertCalls(authType, cloud);
    }

    private static void AssertCalls(string authType, RecordingCloud cloud)
    {
        MethodSettings.AssertSent(authType, cloud);
        var expected = MethodSettings.PluginType(authType) == typeof(FixedTokenAuth)
            ? ("http://10.10.10.3:6385/v1/ihosts", MethodSettings.Token)
            : ("http://192.168.204.2:6385/v1/ihosts", "tok-1");
        Assert.Equal([expected, expected], cloud.Calls);
    }

    private static IAuthPlugin Inner(IAuthPlugin auth) => auth is CachingPasswordAuth caching ? caching.Inner : auth;
}
