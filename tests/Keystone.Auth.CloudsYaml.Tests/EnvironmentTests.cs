namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary><c>OS_*</c> variables override the file's values, as for the openstack command.</summary>
public sealed class EnvironmentTests : IDisposable
{
    private readonly TempClouds _files = new();

    public EnvironmentTests() => _files.Write(_files.Current, "clouds.yaml", """
        clouds:
          c:
            auth_type: password
            region_name: file-region
            interface: public
            cacert: /file/ca.pem
            cert: /file/cert.pem
            key: /file/key.pem
            auth:
              auth_url: https://file/v3
              username: file-user
              password: file-password
              project_name: file-project
        """);

    public void Dispose() => _files.Dispose();

    public static TheoryData<string, string> AuthVariables => new()
    {
        { "OS_AUTH_URL", "auth_url" },
        { "OS_USER_ID", "user_id" },
        { "OS_USERNAME", "username" },
        { "OS_PASSWORD", "password" },
        { "OS_USER_DOMAIN_ID", "user_domain_id" },
        { "OS_USER_DOMAIN_NAME", "user_domain_name" },
        { "OS_PROJECT_ID", "project_id" },
        { "OS_PROJECT_NAME", "project_name" },
        { "OS_PROJECT_DOMAIN_ID", "project_domain_id" },
        { "OS_PROJECT_DOMAIN_NAME", "project_domain_name" },
        { "OS_DOMAIN_ID", "domain_id" },
        { "OS_DOMAIN_NAME", "domain_name" },
        { "OS_DEFAULT_DOMAIN_ID", "default_domain_id" },
        { "OS_DEFAULT_DOMAIN_NAME", "default_domain_name" },
        { "OS_SYSTEM_SCOPE", "system_scope" },
        { "OS_TRUST_ID", "trust_id" },
        { "OS_APPLICATION_CREDENTIAL_ID", "application_credential_id" },
        { "OS_APPLICATION_CREDENTIAL_NAME", "application_credential_name" },
        { "OS_APPLICATION_CREDENTIAL_SECRET", "application_credential_secret" },
        { "OS_TOKEN", "token" },
        { "OS_PASSCODE", "passcode" },
    };

    [Theory]
    [MemberData(nameof(AuthVariables))]
    public void EachAuthVariableOverridesItsKey(string variable, string key)
    {
        _files.Environment[variable] = "from-env";

        Assert.Equal("from-env", _files.Load("c").Auth[key]);
    }

    [Fact]
    public void CloudVariablesOverrideTheCloudsSettings()
    {
        _files.Environment["OS_AUTH_TYPE"] = "v3token";
        _files.Environment["OS_REGION_NAME"] = "env-region";
        _files.Environment["OS_INTERFACE"] = "internal";
        _files.Environment["OS_CACERT"] = "/env/ca.pem";
        _files.Environment["OS_CERT"] = "/env/cert.pem";
        _files.Environment["OS_KEY"] = "/env/key.pem";
        _files.Environment["OS_INSECURE"] = "true";

        var cloud = _files.Load("c");

        Assert.Equal("v3token", cloud.AuthType);
        Assert.Equal("env-region", cloud.RegionName);
        Assert.Equal("internal", cloud.Interface);
        Assert.Equal("/env/ca.pem", cloud.CaCertificatesPath);
        Assert.Equal("/env/cert.pem", cloud.ClientCertificatePath);
        Assert.Equal("/env/key.pem", cloud.ClientKeyPath);
        Assert.False(cloud.Verify);
    }

    [Fact]
    public void UnsetAndEmptyVariablesLeaveTheFileAlone()
    {
        _files.Environment["OS_PASSWORD"] = "";

        var cloud = _files.Load("c");

        Assert.Equal("file-password", cloud.Auth["password"]);
        Assert.Equal("file-region", cloud.RegionName);
        Assert.Equal("password", cloud.AuthType);
        Assert.True(cloud.Verify);
    }

    [Fact]
    public void TenantVariablesAreTheOlderNamesOfProject_TheNewerWin()
    {
        _files.Environment["OS_TENANT_NAME"] = "tenant";
        Assert.Equal("tenant", _files.Load("c").Auth["project_name"]);

        _files.Environment["OS_PROJECT_NAME"] = "project";
        Assert.Equal("project", _files.Load("c").Auth["project_name"]);
    }

    [Fact]
    public void OverridesCanBeTurnedOff()
    {
        _files.Environment["OS_PASSWORD"] = "from-env";
        _files.Environment["OS_REGION_NAME"] = "env-region";
        _files.Environment["OS_CLOUD"] = "c";

        var cloud = CloudsYaml.Load(null, new CloudsYamlOptions
        {
            SearchDirectories = _files.Options.SearchDirectories,
            GetEnvironmentVariable = _files.Options.GetEnvironmentVariable,
            UseEnvironmentOverrides = false,
        });

        Assert.Equal("file-password", cloud.Auth["password"]);
        Assert.Equal("file-region", cloud.RegionName);
    }

    [Fact]
    public void ABadOsInsecureIsAnError()
    {
        _files.Environment["OS_INSECURE"] = "maybe";

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));
        Assert.Equal(["OS_INSECURE must be true or false"], error.Failures);
    }
}
