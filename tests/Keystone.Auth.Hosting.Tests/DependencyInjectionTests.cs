using System.Net;
using Keystone.Auth.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Hosting.Tests;

public sealed class DependencyInjectionTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    [Fact]
    public async Task Design_section_4_DI_snippet_compiles_and_works()
    {
        var transport = new CountingHandler(r => CountingHandler.IsTokenPost(r)
            ? Fixtures.TokenResponse("tok-1")
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"ihosts\":[]}") });
        var configuration = Configuration(Fixtures.KeystoneSection());

        using var provider = TestServices.Build(transport, services =>
        {
            // ---- README "Dependency injection" snippet, verbatim
            services.AddKeystoneAuth(configuration.GetSection("Keystone"))   // binds PasswordAuthOptions
                    .AddTokenCaching();                                       // CachingPasswordAuth + shared TokenCache
            services.AddHttpClient<SysinvClient>()
                    .AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
            // ----
        });

        var sysinv = provider.GetRequiredService<SysinvClient>();
        using (var first = await sysinv.GetHostsAsync())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var second = await provider.GetRequiredService<SysinvClient>().GetHostsAsync())
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        Assert.Equal(1, transport.TokenPosts);
        var calls = transport.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal("http://192.168.204.2:6385/v1/ihosts", c.Url));
        Assert.All(calls, c => Assert.Equal("tok-1", c.Token));

        var auth = Assert.IsType<CachingPasswordAuth>(provider.GetRequiredService<IAuthPlugin>());
        Assert.Same(provider.GetRequiredService<TokenCache>(), auth.Cache);
        Assert.Same(auth, provider.GetRequiredService<CachingPasswordAuth>());
        Assert.IsType<PasswordAuth>(auth.Inner);
        Assert.Equal(KeystoneAuthHandler.CatalogBaseAddress, sysinv.Http.BaseAddress);
    }

    [Fact]
    public async Task Handler_from_DI_drops_a_rejected_token_and_resends_once()
    {
        var transport = new CountingHandler(Fixtures.Cloud(["tok-old", "tok-new"], r =>
            r.Headers.GetValues("X-Auth-Token").Single() == "tok-old" ? Fixtures.Unauthorized() : new HttpResponseMessage(HttpStatusCode.OK)));
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(Configuration(Fixtures.KeystoneSection()).GetSection("Keystone")).AddTokenCaching();
            services.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
        });

        using var response = await provider.GetRequiredService<SysinvClient>().GetHostsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.TokenPosts);
        Assert.Equal(new string?[] { "tok-old", "tok-new" }, transport.Requests.Where(r => r.Method == "GET").Select(r => r.Token).ToArray());
    }

    [Fact]
    public async Task ConfigureSession_can_switch_off_the_401_retry_for_the_handler()
    {
        var transport = new CountingHandler(r => CountingHandler.IsTokenPost(r) ? Fixtures.TokenResponse("tok-1") : Fixtures.Unauthorized());
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(Configuration(Fixtures.KeystoneSection()).GetSection("Keystone"))
                .AddTokenCaching()
                .ConfigureSession(s => s.RetryOnTokenRejected = false);
            services.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
        });

        using var response = await provider.GetRequiredService<SysinvClient>().GetHostsAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, transport.TokenPosts);
        Assert.Equal(1, transport.Calls);
    }

    [Fact]
    public async Task Handler_keeps_a_BaseAddress_the_client_already_has()
    {
        var transport = new CountingHandler(Fixtures.CloudWithToken("tok-1"));
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(o => CopyDefaults(o)).AddTokenCaching();
            services.AddHttpClient("fm", c => c.BaseAddress = new Uri("https://fm.example:18002/v1/")).AddKeystoneAuthHandler();
        });

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("fm");
        using var response = await client.GetAsync(new Uri("alarms", UriKind.Relative));

        Assert.Equal(new Uri("https://fm.example:18002/v1/"), client.BaseAddress);
        Assert.Equal("https://fm.example:18002/v1/alarms", transport.Requests.Single(r => r.Method == "GET").Url);
        Assert.Equal("tok-1", transport.Requests.Single(r => r.Method == "GET").Token);
    }

    [Fact]
    public async Task Per_request_endpoint_filter_wins_over_the_handler_default()
    {
        var transport = new CountingHandler(Fixtures.CloudWithToken("tok-1"));
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(o => CopyDefaults(o));
            services.AddHttpClient("any").AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
        });

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("any");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("projects", UriKind.Relative));
        request.Options.Set(KeystoneRequestOptions.EndpointFilter, new EndpointFilter("identity"));
        using var response = await client.SendAsync(request);

        Assert.Equal("https://10.10.10.2:5001/v3/projects", transport.Requests.Single(r => r.Method == "GET").Url);
    }

    [Fact]
    public async Task KeystoneSession_and_IAuthPlugin_are_resolvable()
    {
        var transport = new CountingHandler(Fixtures.CloudWithToken("tok-1"));
        using var provider = TestServices.Build(transport, services => services.AddKeystoneAuth(o => CopyDefaults(o)));

        var session = provider.GetRequiredService<KeystoneSession>();
        Assert.Same(session, provider.GetRequiredService<KeystoneSession>());
        Assert.Same(provider.GetRequiredService<IAuthPlugin>(), session.Auth);
        Assert.IsType<PasswordAuth>(session.Auth);

        using var response = await session.GetAsync("/projects", new EndpointFilter("identity"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://10.10.10.2:5001/v3/projects", transport.Requests.Single(r => r.Method == "GET").Url);
        Assert.Equal(1, transport.TokenPosts);
    }

    [Fact]
    public async Task Named_identities_live_side_by_side_with_their_own_tokens()
    {
        var transport = new CountingHandler(Fixtures.CloudPerHost());
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth("subcloud1", o => CopyDefaults(o, "https://10.1.0.2:5001/v3")).AddTokenCaching();
            services.AddKeystoneAuth("subcloud2", Configuration(Fixtures.KeystoneSection("S2")).GetSection("S2")).AddTokenCaching()
                .Configure(o => o.HttpClientName = KeystoneAuthOptions.DefaultHttpClientName);
            services.AddHttpClient("s1").AddKeystoneAuthHandler(new EndpointFilter("identity"), "subcloud1");
        });

        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
        var one = factory.GetAuth("subcloud1");
        var two = factory.GetAuth("subcloud2");
        Assert.Same(one, factory.GetAuth("subcloud1"));
        Assert.Same(one, provider.GetRequiredKeyedService<IAuthPlugin>("subcloud1"));
        Assert.NotEqual(one.GetCacheId(), two.GetCacheId());
        Assert.Null(provider.GetService<IAuthPlugin>());

        using var s1 = provider.GetRequiredKeyedService<KeystoneSession>("subcloud1");
        using var s2 = factory.CreateSession("subcloud2");
        Assert.Equal("tok-10.1.0.2", (await s1.GetAccessAsync()).Token);
        Assert.Equal("tok-10.10.10.2", (await s2.GetAccessAsync()).Token);
        using var viaHandler = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("s1").GetAsync(new Uri("users", UriKind.Relative));

        Assert.Equal(2, transport.TokenPosts);
        Assert.Equal(("https://10.1.0.2:5001/v3/users", "tok-10.1.0.2"), transport.Requests.Where(r => r.Method == "GET").Select(r => (r.Url, r.Token)).Single());
    }

    [Fact]
    public void Unknown_identity_name_fails_naming_it()
    {
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services => services.AddKeystoneAuth("subcloud1", o => CopyDefaults(o)));

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IKeystoneAuthFactory>().GetAuth("subcloud9"));
        Assert.Contains("'subcloud9'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_credentials_fail_at_start_naming_the_options_and_never_the_password()
    {
        var values = Fixtures.KeystoneSection();
        values["Keystone:Username"] = null;
        values["Keystone:ProjectId"] = "p-1";
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services =>
            services.AddKeystoneAuth("subcloud1", Configuration(values).GetSection("Keystone")));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("subcloud1", ex.OptionsName);
        Assert.Contains("set UserId, or Username with UserDomainId or UserDomainName", ex.Message, StringComparison.Ordinal);
        Assert.Contains("set ProjectId or ProjectName, not both", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixtures.Password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_password_fails_at_start()
    {
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services =>
            services.AddKeystoneAuth(o => CopyDefaults(o, password: null)));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Password is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_configuration_passes_start_up_validation()
    {
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services =>
            services.AddKeystoneAuth(o => CopyDefaults(o)).AddTokenCaching());

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("session", "Session.ConnectRetries must not be negative")]
    [InlineData("cache", "RefreshMargin must be at least 120 s")]
    [InlineData("transport", "MaxConnectionsPerServer must be at least 1")]
    [InlineData("cacert", "CaCertificatesPath (OS_CACERT) names a file that does not exist")]
    public void Other_invalid_settings_fail_at_start_naming_the_option(string which, string expected)
    {
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services =>
        {
            var builder = services.AddKeystoneAuth(o => CopyDefaults(o));
            switch (which)
            {
                case "session":
                    builder.ConfigureSession(s => s.ConnectRetries = -1);
                    break;
                case "cache":
                    builder.AddTokenCaching(c => c.RefreshMargin = TimeSpan.FromSeconds(10));
                    break;
                case "transport":
                    services.ConfigureKeystoneTransport(t => t.MaxConnectionsPerServer = 0);
                    break;
                default:
                    services.ConfigureKeystoneTransport(t => t.CaCertificatesPath = "/nonexistent/ca.pem");
                    break;
            }
        });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_section_sets_every_key_and_a_bad_value_names_its_key()
    {
        var values = Fixtures.KeystoneSection();
        values["Keystone:RequestTimeout"] = "00:00:05";
        values["Keystone:IncludeCatalog"] = "false";
        values["Keystone:MaxResponseBytes"] = "1024";
        values["Keystone:RegionName"] = "subcloud1";
        values["Keystone:Interface"] = "internalURL";
        values["Transport:ConnectTimeout"] = "00:00:02";
        values["Transport:MaxConnectionsPerServer"] = "4";
        var configuration = Configuration(values);
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services =>
        {
            services.AddKeystoneAuth(configuration.GetSection("Keystone"));
            services.ConfigureKeystoneTransport(configuration.GetSection("Transport"));
        });

        var password = provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName);
        Assert.Equal(("https://10.10.10.2:5001/v3", "dcmanager", "Default", Fixtures.Password, "services", "Default"),
            (password.AuthUrl, password.Username, password.UserDomainName, password.Password, password.ProjectName, password.ProjectDomainName));
        Assert.Equal(TimeSpan.FromSeconds(5), password.RequestTimeout);
        Assert.False(password.IncludeCatalog);
        Assert.Equal(1024, password.MaxResponseBytes);
        var settings = provider.GetRequiredService<IOptionsMonitor<KeystoneAuthOptions>>().Get(Options.DefaultName);
        Assert.Equal(new EndpointFilter("platform", EndpointInterface.Internal, "subcloud1"), settings.CreateEndpointFilter("platform"));
        var transport = provider.GetRequiredService<IOptions<KeystoneTransportOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(2), 4), (transport.ConnectTimeout, transport.MaxConnectionsPerServer));

        values["Keystone:RequestTimeout"] = "soon";
        using var bad = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), services => services.AddKeystoneAuth(Configuration(values).GetSection("Keystone")));
        var ex = Assert.Throws<InvalidOptionsException>(() => bad.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("RequestTimeout must be a time span", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_variables_give_credentials_region_interface_and_transport()
    {
        var caFile = Path.GetTempFileName();
        try
        {
            var env = new Dictionary<string, string>
            {
                ["OS_AUTH_URL"] = "https://10.10.10.2:5001/v3",
                ["OS_USERNAME"] = "dcmanager",
                ["OS_PASSWORD"] = Fixtures.Password,
                ["OS_USER_DOMAIN_NAME"] = "Default",
                ["OS_PROJECT_NAME"] = "services",
                ["OS_PROJECT_DOMAIN_NAME"] = "Default",
                ["OS_REGION_NAME"] = "subcloud1",
                ["OS_INTERFACE"] = "internal",
                ["OS_CACERT"] = caFile,
                ["OS_INSECURE"] = "true",
            };
            var transport = new CountingHandler(Fixtures.CloudWithToken("tok-1"));
            using var provider = TestServices.Build(transport, services =>
            {
                services.AddKeystoneAuthFromEnvironment(getVariable: n => env.GetValueOrDefault(n)).AddTokenCaching();
                services.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler("platform");
            });

            provider.GetRequiredService<IStartupValidator>().Validate();
            using var response = await provider.GetRequiredService<SysinvClient>().GetHostsAsync();

            // region subcloud1 + interface internal select the "v1i" endpoint of the fixture catalog
            Assert.Equal("http://192.168.204.2:6385/v1i/ihosts", transport.Requests.Single(r => r.Method == "GET").Url);
            var options = provider.GetRequiredService<IOptions<KeystoneTransportOptions>>().Value;
            Assert.Equal(caFile, options.CaCertificatesPath);
            Assert.True(options.Insecure);
            Assert.Equal("dcmanager", provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName).Username);
        }
        finally
        {
            File.Delete(caFile);
        }
    }

    [Fact]
    public void Bad_OS_INTERFACE_fails_naming_the_variable()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => KeystoneAuthOptions.FromEnvironment(n => n == "OS_INTERFACE" ? "private" : null));
        Assert.Contains("OS_INTERFACE must be public, internal or admin, got 'private'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(EndpointInterface.Admin, KeystoneAuthOptions.FromEnvironment(n => n == "OS_INTERFACE" ? "adminURL" : null).Interface);
    }

    [Fact]
    public async Task Factory_makes_thousands_of_run_time_identities_each_cached_under_its_own_id()
    {
        const int Subclouds = 300;
        var transport = new CountingHandler(Fixtures.CloudPerHost());
        using var provider = TestServices.Build(transport, services => services.AddKeystoneAuthFactory().AddTokenCaching());
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();

        static PasswordAuthOptions Subcloud(int i) => new()
        {
            AuthUrl = $"https://10.{i / 250}.{i % 250}.2:5001/v3",
            Username = "dcmanager", UserDomainName = "Default", Password = Fixtures.Password,
            ProjectName = "services", ProjectDomainName = "Default",
        };

        // Three audit cycles; each makes its sessions afresh, as a worker would.
        for (var cycle = 0; cycle < 3; cycle++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Subclouds), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                using var session = factory.CreateSession(Subcloud(i));
                using var response = await session.GetAsync("/users", new EndpointFilter("identity", EndpointInterface.Admin), ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            });
        }

        Assert.Equal(Subclouds, transport.TokenPosts);
        Assert.Equal(3 * Subclouds, transport.Calls);
        Assert.Equal(Subclouds, provider.GetRequiredService<TokenCache>().Count);
        Assert.All(transport.Requests.Where(r => r.Method == "GET"), r => Assert.Equal("tok-" + new Uri(r.Url).Host, r.Token));
        Assert.IsType<CachingPasswordAuth>(factory.CreateAuth(Subcloud(0)));
    }

    [Fact]
    public async Task Without_caching_every_run_time_session_call_posts_a_token()
    {
        var transport = new CountingHandler(Fixtures.CloudWithToken("tok-1"));
        using var provider = TestServices.Build(transport, services => services.AddKeystoneAuthFactory());
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();
        var options = new PasswordAuthOptions { AuthUrl = "https://10.10.10.2:5001/v3", UserId = "u-1", Password = Fixtures.Password };

        using var session = factory.CreateSession(options);
        for (var i = 0; i < 3; i++)
        {
            using var r = await session.GetAsync("/users", new EndpointFilter("identity"));
        }

        Assert.IsType<PasswordAuth>(session.Auth);
        Assert.Equal(3, transport.TokenPosts);
    }

    [Fact]
    public void UseKeystoneTransport_puts_the_recommended_handler_under_the_Keystone_client()
    {
        var services = new ServiceCollection();
        services.AddKeystoneAuth(o => CopyDefaults(o));
        services.ConfigureKeystoneTransport(t =>
        {
            t.ConnectTimeout = TimeSpan.FromSeconds(3);
            t.RequestTimeout = TimeSpan.FromSeconds(42);
            t.MaxConnectionsPerServer = 7;
            t.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
        });
        using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(KeystoneAuthOptions.DefaultHttpClientName);
        var sockets = Innermost(handler);
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(KeystoneAuthOptions.DefaultHttpClientName);

        Assert.Equal(TimeSpan.FromSeconds(3), sockets.ConnectTimeout);
        Assert.Equal(7, sockets.MaxConnectionsPerServer);
        Assert.Equal(TimeSpan.FromMinutes(2), sockets.PooledConnectionLifetime);
        Assert.False(sockets.UseCookies);
        Assert.Equal(TimeSpan.FromSeconds(42), client.Timeout);
    }

    [Fact]
    public async Task Logs_of_a_reauth_and_a_refused_login_never_show_password_or_token()
    {
        var logs = new CapturingLoggerProvider();
        var transport = new CountingHandler(Fixtures.Cloud(["tok-very-secret-1", "tok-very-secret-2"], r =>
            r.Headers.GetValues("X-Auth-Token").Single() == "tok-very-secret-1" ? Fixtures.Unauthorized() : new HttpResponseMessage(HttpStatusCode.OK)));
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(o => CopyDefaults(o)).AddTokenCaching();
            services.AddKeystoneAuth("bad", o => CopyDefaults(o, "https://10.9.9.9:5001/v3"));
            services.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
        }, logs);

        using var response = await provider.GetRequiredService<SysinvClient>().GetHostsAsync();
        var refused = await Assert.ThrowsAsync<AuthenticationFailedException>(async () => await provider.GetRequiredService<IKeystoneAuthFactory>().GetAuth("bad").GetAccessAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = logs.AllText() + refused + provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName) + provider.GetRequiredService<IAuthPlugin>();
        Assert.Contains("resending once", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixtures.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-very-secret", text, StringComparison.Ordinal);
    }

    internal static SocketsHttpHandler Innermost(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler!;
        }

        return Assert.IsType<SocketsHttpHandler>(handler);
    }

    internal static void CopyDefaults(PasswordAuthOptions o, string authUrl = "https://10.10.10.2:5001/v3", string? password = Fixtures.Password)
    {
        o.AuthUrl = authUrl;
        o.Username = "dcmanager";
        o.UserDomainName = "Default";
        o.Password = password;
        o.ProjectName = "services";
        o.ProjectDomainName = "Default";
    }
}
