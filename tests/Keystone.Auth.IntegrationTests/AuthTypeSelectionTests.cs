using System.Net;
using System.Text.Json.Nodes;
using Keystone.Auth.Caching;
using Keystone.Auth.CloudsYaml;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Issue 11, "Configuration": <c>OS_AUTH_TYPE</c> (with the method's
/// <c>OS_*</c> variables) and a clouds.yaml written here each select every
/// method, through the DI container and <see cref="IKeystoneAuthFactory"/>, and
/// the plugin signs in on the real Keystone. Token POSTs are counted at the
/// bottom of the container's HttpClient and in Keystone's access log.
/// </summary>
[Collection(KeystoneGroup.Name)]
public sealed class AuthTypeSelectionTests(KeystoneFixture fx) : IDisposable
{
    // The library's POSTs only: the set-up's own token requests ask ?nocatalog,
    // and their lines may reach the log after the count before the calls is read.
    private const string TokenPostLine = "POST /v3/auth/tokens =>";
    private const string CallLine = "GET /v3/auth/projects";
    private const string Cloud = "ksit-cloud";

    private readonly SelectedMethods _methods = new(fx);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ksit-clouds-");

    public static TheoryData<string> AuthTypes => SelectedMethods.AuthTypes;

    [Theory]
    [MemberData(nameof(AuthTypes))]
    public async Task OS_AUTH_TYPE_selects_the_method_and_it_signs_in_on_Keystone(string authType)
    {
        var (auth, expected) = await _methods.PrepareAsync(authType, fromFile: false);
        var env = SelectedMethods.AsEnvironment(authType, auth);
        var counter = NewCounter();
        using var provider = Build(counter, s => s.AddKeystoneAuthFactory().AddTokenCaching());
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
        var options = AuthPluginOptions.FromEnvironment(env.GetValueOrDefault);

        // Run-time identities: each CreateSession makes its own plugin; they share the token by cache id.
        await ProveAsync(expected, counter, factory.CreateAuth(options), () => factory.CreateSession(options));
    }

    [Theory]
    [MemberData(nameof(AuthTypes))]
    public async Task A_clouds_yaml_auth_type_selects_the_method_and_it_signs_in_on_Keystone(string authType)
    {
        var (auth, expected) = await _methods.PrepareAsync(authType, fromFile: true);
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "clouds.yaml"), SelectedMethods.AsCloudsYaml(Cloud, authType, auth));

        // Only OS_CLOUD is set, so no variable of this machine's environment can stand in for the file.
        var search = new CloudsYamlOptions
        {
            SearchDirectories = [_folder.FullName],
            GetEnvironmentVariable = v => v == "OS_CLOUD" ? Cloud : null,
        };
        var counter = NewCounter();
        using var provider = Build(counter, s => s.AddKeystoneAuthFromCloudsYaml(options: search).AddTokenCaching());
        provider.GetRequiredService<IStartupValidator>().Validate();
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();

        await ProveAsync(expected, counter, factory.GetAuth(Options.DefaultName), () => factory.CreateSession(Options.DefaultName));
    }

    public void Dispose()
    {
        _methods.Dispose();
        _folder.Delete(recursive: true);
    }

    private static CountingHandler NewCounter() =>
        new(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout, AllowAutoRedirect = false });

    /// <summary>A container whose <c>Keystone.Auth</c> HttpClient sends through <paramref name="counter"/>.</summary>
    private static ServiceProvider Build(CountingHandler counter, Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure(services);

        // After the library's UseKeystoneTransport: the last primary handler set wins.
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).ConfigurePrimaryHttpMessageHandler(() => counter);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// Two sessions make one authenticated call each, then the plugin is asked
    /// for its token: one token POST in all (none for a fixed token), and the
    /// token belongs to the expected user, scope and methods.
    /// </summary>
    private async Task ProveAsync(Expected expected, CountingHandler counter, IAuthPlugin auth, Func<KeystoneSession> newSession)
    {
        Assert.IsType(expected.PluginType, auth is CachingPasswordAuth caching ? caching.Inner : auth);
        Assert.Equal(expected.IsFixed, auth is not CachingPasswordAuth);
        var postsInLog = fx.Server.CountLogLines(TokenPostLine);
        var callsInLog = fx.Server.CountLogLines(CallLine);

        for (var i = 0; i < 2; i++)
        {
            using var session = newSession();

            // A fixed token has no catalog: relative URLs go to its endpoint.
            using var response = expected.IsFixed
                ? await session.GetAsync(TestHttp.AuthenticatedPath)
                : await session.GetAsync(TestHttp.AuthenticatedPath, TestHttp.Identity);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var projects = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["projects"]!.AsArray();
            Assert.Contains(expected.ProjectId, projects.Select(p => p!["id"]!.GetValue<string>()));
        }

        var access = await auth.GetAccessAsync();

        var posts = expected.IsFixed ? 0 : 1;
        string[] wire = expected.IsFixed ? ["GET 200", "GET 200"] : ["POST 201", "GET 200", "GET 200"];
        Assert.Equal(wire, counter.Events.Select(e => e.Short));
        Assert.Equal(posts, counter.TokenPosts);

        // uwsgi logs a request after answering it: once both calls are in the
        // log, the POST that preceded them is too. The calls' lines are only
        // that barrier (>=); the POSTs are counted exactly.
        Assert.True(await fx.Server.CountLogLinesAsync(CallLine, callsInLog + 2) >= callsInLog + 2, "the two calls never reached Keystone's log");
        Assert.Equal(postsInLog + posts, fx.Server.CountLogLines(TokenPostLine));

        if (expected.IsFixed)
        {
            Assert.Equal(expected.FixedToken, access.Token);
            return;
        }

        Assert.Equal(expected.UserId, access.User!.Id);
        Assert.Equal(expected.ProjectId, access.Project!.Id);
        Assert.Equal(expected.Methods, access.Methods.Order(StringComparer.Ordinal));
    }
}
