using Keystone.Auth.Caching;
using NSubstitute;
using RichardSzalay.MockHttp;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// The snippets of README.md and PACKAGE.md ("Testing your code"), compiled
/// and run here so the documentation cannot rot. Keep the text between the
/// region markers identical to the documentation.
/// </summary>
public sealed class UsageSnippetTests
{
    [Fact]
    public async Task With_richardszalay_mockhttp()
    {
        #region mockhttp
        var token = new KeystoneTokenBuilder()
            .ForProject("p1", "services")
            .WithStandardEndpoints("platform", "https://10.10.10.3:6385/v1", region: "subcloud1")
            .Build();

        var mock = new MockHttpMessageHandler();
        var tokenPosts = mock.When(HttpMethod.Post, "https://10.10.10.2:5001/v3/auth/tokens")
            .Respond(_ => token.CreateHttpResponse());
        mock.When(HttpMethod.Get, "https://10.10.10.3:6385/v1/ihosts")
            .WithHeaders("X-Auth-Token", token.TokenId)
            .Respond("application/json", "{\"ihosts\": []}");

        using var http = new HttpClient(mock);
        var auth = new CachingPasswordAuth(new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = "https://10.10.10.2:5001/v3", UserId = "u1", Password = "pw", ProjectId = "p1",
        }, http), new TokenCache());
        using var session = new KeystoneSession(auth, http);

        using var hosts = await session.GetAsync("/ihosts", new EndpointFilter("platform", EndpointInterface.Public));
        using var again = await session.GetAsync("/ihosts", new EndpointFilter("platform", EndpointInterface.Public));
        Assert.Equal(1, mock.GetMatchCount(tokenPosts));   // the cache asked Keystone once
        #endregion
        Assert.True(hosts.IsSuccessStatusCode && again.IsSuccessStatusCode);
    }

    [Fact]
    public async Task With_nsubstitute()
    {
        #region nsubstitute
        // Code that takes an IAuthPlugin: hand it a built token, no token POST at all.
        var access = new KeystoneTokenBuilder()
            .ForDomain("d1", "Fleet")
            .WithRole("admin")
            .WithStandardEndpoints("identity", "https://10.10.10.2:5001/v3")
            .Build()
            .ToAccessInfo();
        var auth = Substitute.For<IAuthPlugin>();
        auth.GetAccessAsync(Arg.Any<CancellationToken>()).Returns(access);

        // HttpMessageHandler.SendAsync is protected: substitute a public abstract method instead.
        var handler = Substitute.ForPartsOf<SubstitutableHandler>();
        handler.Respond(Arg.Is<HttpRequestMessage>(r => r.Headers.Contains("X-Auth-Token") && r.Headers.GetValues("X-Auth-Token").Single() == access.Token), Arg.Any<CancellationToken>())
            .Returns(_ => new HttpResponseMessage(System.Net.HttpStatusCode.OK));

        using var session = new KeystoneSession(auth, new HttpClient(handler));
        using var response = await session.GetAsync("/projects", new EndpointFilter("identity", EndpointInterface.Public));

        await handler.Received(1).Respond(
            Arg.Is<HttpRequestMessage>(r => r.RequestUri!.AbsoluteUri == "https://10.10.10.2:5001/v3/projects"), Arg.Any<CancellationToken>());
        #endregion
        Assert.True(response.IsSuccessStatusCode);
    }

    #region nsubstitute-handler
    public abstract class SubstitutableHandler : HttpMessageHandler
    {
        public abstract Task<HttpResponseMessage> Respond(HttpRequestMessage request, CancellationToken cancellationToken);

        protected sealed override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Respond(request, cancellationToken);
    }
    #endregion

    [Fact]
    public async Task With_the_fake_keystone()
    {
        #region fake
        using var fake = new FakeKeystoneHandler();          // https://keystone.test:5000/v3, service "platform" at https://service.test:6385/v1
        using var http = new HttpClient(fake);
        var auth = new CachingPasswordAuth(new PasswordAuth(new PasswordAuthOptions
        {
            AuthUrl = fake.AuthUrl, Username = "dcmanager", UserDomainName = "Default", Password = "pw",
            ProjectName = "services", ProjectDomainName = "Default",
        }, http), new TokenCache());
        using var session = new KeystoneSession(auth, http);
        var platform = new EndpointFilter("platform", EndpointInterface.Admin);

        using (var r = await session.GetAsync("/ihosts", platform)) { r.EnsureSuccessStatusCode(); }
        fake.RotateKeys();                                    // every token issued so far now gets 401
        using (var r = await session.GetAsync("/ihosts", platform)) { r.EnsureSuccessStatusCode(); }

        Assert.Equal(2, fake.TokenRequestCount);             // one sign-in, one after the rotation
        Assert.Equal(1, fake.RejectedServiceRequestCount);   // the resend went through
        #endregion
    }
}
