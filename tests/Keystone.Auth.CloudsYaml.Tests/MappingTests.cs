namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>From a cloud to <see cref="PasswordAuthOptions"/>, <see cref="KeystoneTransportOptions"/> and endpoint defaults.</summary>
public sealed class MappingTests : IDisposable
{
    private readonly TempClouds _files = new();

    public void Dispose() => _files.Dispose();

    private CloudConfig Cloud(string body)
    {
        _files.Write(_files.Current, "clouds.yaml", "clouds:\n  c:\n" + body);
        return _files.Load("c");
    }

    [Fact]
    public void EveryPasswordKeyIsMapped()
    {
        var options = Cloud("""
                auth_type: v3password
                auth:
                  auth_url: https://keystone:5000/v3
                  username: dcmanager
                  user_domain_name: Default
                  password: pw
                  project_name: services
                  project_domain_name: Default
            """).ToPasswordAuthOptions();

        Assert.Equal("https://keystone:5000/v3", options.AuthUrl);
        Assert.Equal("dcmanager", options.Username);
        Assert.Equal("Default", options.UserDomainName);
        Assert.Equal("pw", options.Password);
        Assert.Equal("services", options.ProjectName);
        Assert.Equal("Default", options.ProjectDomainName);
        Assert.Null(options.DomainId);
        // The options are valid: a plugin can be made from them without a request.
        using var http = new HttpClient();
        _ = new PasswordAuth(options, http);
    }

    [Fact]
    public void IdsSystemAndTrustAreMapped()
    {
        var options = Cloud("""
                auth:
                  user_id: u-1
                  password: pw
                  system_scope: all
                  trust_id: t-1
                  project_id: p-1
            """).ToPasswordAuthOptions();

        Assert.Equal(("u-1", "all", "t-1", "p-1"), (options.UserId, options.SystemScope, options.TrustId, options.ProjectId));
    }

    [Fact]
    public void WithAProjectDomainIdIsTheDefaultDomainOfUserAndProject_AsOpenstacksdkReadsIt()
    {
        var options = Cloud("""
                auth:
                  username: admin
                  project_name: admin
                  domain_id: default
            """).ToPasswordAuthOptions();

        Assert.Equal("default", options.UserDomainId);
        Assert.Equal("default", options.ProjectDomainId);
        Assert.Null(options.DomainId);
    }

    [Fact]
    public void WithoutAProjectDomainNameIsTheScope()
    {
        var options = Cloud("""
                auth:
                  user_id: u-1
                  domain_name: Engineering
            """).ToPasswordAuthOptions();

        Assert.Equal("Engineering", options.DomainName);
        Assert.Null(options.UserDomainName);
    }

    [Fact]
    public void ExplicitDomainsWinOverDefaultDomainAndTenantIsProject()
    {
        var options = Cloud("""
                auth:
                  username: admin
                  user_domain_name: Users
                  tenant_name: admin
                  default_domain_id: default
            """).ToPasswordAuthOptions();

        Assert.Equal(("Users", null), (options.UserDomainName, options.UserDomainId));
        Assert.Equal("admin", options.ProjectName);
        Assert.Equal("default", options.ProjectDomainId);
    }

    [Theory]
    [InlineData("v3applicationcredential")]
    [InlineData("token")]
    public void OtherMethodsAreRefusedByName(string authType)
    {
        var cloud = Cloud($"    auth_type: {authType}\n");

        var error = Assert.Throws<InvalidOptionsException>(() => cloud.ToPasswordAuthOptions());
        Assert.EndsWith($"cloud 'c' has auth_type '{authType}', not password or v3password", error.Failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void TransportSettingsAreMapped()
    {
        var transport = Cloud("""
                cacert: /ca.pem
                cert: /cert.pem
                key: /key.pem
                verify: false
            """).ToTransportOptions();

        Assert.Equal(("/ca.pem", "/cert.pem", "/key.pem", true),
            (transport.CaCertificatesPath, transport.ClientCertificatePath, transport.ClientKeyPath, transport.Insecure));
        Assert.False(Cloud("    cacert: /ca.pem\n").ToTransportOptions().Insecure);
    }

    [Fact]
    public void EndpointDefaultsAreMapped()
    {
        var options = new KeystoneAuthOptions();
        Cloud("    region_name: subcloud1\n    interface: internalURL\n").ApplyEndpointDefaults(options);

        Assert.Equal("subcloud1", options.RegionName);
        Assert.Equal(EndpointInterface.Internal, options.Interface);
    }

    [Fact]
    public void ABadInterfaceIsNamed()
    {
        var cloud = Cloud("    interface: sideways\n");

        var error = Assert.Throws<InvalidOptionsException>(() => cloud.ApplyEndpointDefaults(new KeystoneAuthOptions()));
        Assert.EndsWith("interface of cloud 'c' must be public, internal or admin, got 'sideways'", error.Failures[0], StringComparison.Ordinal);
    }
}
