namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>Which file is read (openstacksdk's search order) and how secure.yaml is merged over it.</summary>
public sealed class SearchTests : IDisposable
{
    private readonly TempClouds _files = new();

    public void Dispose() => _files.Dispose();

    private static string Cloud(string authUrl) => $"""
        clouds:
          c:
            auth:
              auth_url: {authUrl}
        """;

    [Fact]
    public void TheCurrentDirectoryWinsOverTheUserAndSiteFolders()
    {
        _files.Write(_files.Current, "clouds.yaml", Cloud("https://cwd/v3"));
        _files.Write(_files.User, "clouds.yaml", Cloud("https://user/v3"));
        _files.Write(_files.Site, "clouds.yaml", Cloud("https://site/v3"));

        var cloud = _files.Load("c");

        Assert.Equal("https://cwd/v3", cloud.Auth["auth_url"]);
        Assert.Equal(Path.Combine(_files.Current, "clouds.yaml"), cloud.FilePath);
    }

    [Fact]
    public void TheUserFolderWinsOverTheSiteFolder()
    {
        _files.Write(_files.User, "clouds.yaml", Cloud("https://user/v3"));
        _files.Write(_files.Site, "clouds.yaml", Cloud("https://site/v3"));

        Assert.Equal("https://user/v3", _files.Load("c").Auth["auth_url"]);
    }

    [Fact]
    public void TheSiteFolderIsTheLastResort()
    {
        _files.Write(_files.Site, "clouds.yaml", Cloud("https://site/v3"));

        Assert.Equal("https://site/v3", _files.Load("c").Auth["auth_url"]);
    }

    [Fact]
    public void OnlyTheFirstFileFoundIsRead_CloudsAreNotMergedAcrossFolders()
    {
        _files.Write(_files.Current, "clouds.yaml", Cloud("https://cwd/v3"));
        _files.Write(_files.Site, "clouds.yaml", "clouds:\n  other:\n    auth: {}\n");

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("other"));
        Assert.Contains("cloud 'other' not found (clouds in the file: c)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlIsPreferredToYmlAndJsonInOneFolder()
    {
        _files.Write(_files.Current, "clouds.json", """{"clouds": {"c": {"auth": {"auth_url": "https://json/v3"}}}}""");
        _files.Write(_files.Current, "clouds.yml", Cloud("https://yml/v3"));
        Assert.Equal("https://yml/v3", _files.Load("c").Auth["auth_url"]);

        File.Delete(Path.Combine(_files.Current, "clouds.yml"));
        Assert.Equal("https://json/v3", _files.Load("c").Auth["auth_url"]);
    }

    [Fact]
    public void OsClientConfigFileIsTriedFirst()
    {
        _files.Write(_files.Current, "clouds.yaml", Cloud("https://cwd/v3"));
        var explicitFile = _files.Write(_files.Root, "mine.yaml", Cloud("https://explicit/v3"));
        _files.Environment["OS_CLIENT_CONFIG_FILE"] = explicitFile;

        var cloud = _files.Load("c");

        Assert.Equal("https://explicit/v3", cloud.Auth["auth_url"]);
        Assert.Equal(explicitFile, cloud.FilePath);
    }

    [Fact]
    public void SecureYamlIsMergedOverTheCloudKeyByKey()
    {
        _files.Write(_files.User, "clouds.yaml", """
            clouds:
              c:
                region_name: RegionOne
                auth:
                  auth_url: https://keystone/v3
                  username: admin
                  user_domain_name: Default
                  password: from-clouds
            """);
        _files.Write(_files.Site, "secure.yaml", """
            clouds:
              c:
                auth:
                  password: from-secure
              only-secure:
                auth:
                  password: x
            """);

        var cloud = _files.Load("c");

        Assert.Equal("from-secure", cloud.Auth["password"]);
        Assert.Equal("admin", cloud.Auth["username"]);
        Assert.Equal("https://keystone/v3", cloud.Auth["auth_url"]);
        Assert.Equal("RegionOne", cloud.RegionName);
        Assert.Equal("x", _files.Load("only-secure").Auth["password"]);
    }

    [Fact]
    public void OsClientSecureFileIsTriedFirst()
    {
        _files.Write(_files.Current, "clouds.yaml", Cloud("https://cwd/v3"));
        _files.Write(_files.Current, "secure.yaml", "clouds: {c: {auth: {password: folder}}}");
        _files.Environment["OS_CLIENT_SECURE_FILE"] = _files.Write(_files.Root, "s.yaml", "clouds: {c: {auth: {password: explicit}}}");

        Assert.Equal("explicit", _files.Load("c").Auth["password"]);
    }

    [Fact]
    public void KeysOfTheCloudAreReadAsWritten()
    {
        _files.Write(_files.Current, "clouds.yaml", """
            clouds:
              c:
                auth_type: v3applicationcredential
                auth:
                  auth_url: https://keystone/v3
                  application_credential_id: 21dced0fd20347869b93710d2b98aae0
                  application_credential_secret: s3cr3t
                  Custom_Key: 12345
                  empty:
                region_name: RegionOne
                interface: internal
                cacert: /etc/ssl/ca.pem
                verify: false
                cert: /etc/ssl/client.pem
                key: /etc/ssl/client.key
                identity_api_version: 3
                regions: [ignored]
            """);

        var cloud = _files.Load("c");

        Assert.Equal("v3applicationcredential", cloud.AuthType);
        Assert.Equal(
            ["Custom_Key", "application_credential_id", "application_credential_secret", "auth_url"],
            cloud.Auth.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("12345", cloud.Auth["Custom_Key"]);
        Assert.Equal("RegionOne", cloud.RegionName);
        Assert.Equal("internal", cloud.Interface);
        Assert.Equal("/etc/ssl/ca.pem", cloud.CaCertificatesPath);
        Assert.False(cloud.Verify);
        Assert.Equal("/etc/ssl/client.pem", cloud.ClientCertificatePath);
        Assert.Equal("/etc/ssl/client.key", cloud.ClientKeyPath);
    }

    [Theory]
    [InlineData("regions: [RegionTwo, RegionThree]", "RegionTwo", true)]
    [InlineData("regions:\n      - name: RegionTwo\n        values: {}", "RegionTwo", true)]
    [InlineData("insecure: true", null, false)]
    [InlineData("verify: yes", null, true)]
    public void RegionsAndInsecureAreReadAsOpenstacksdkDoes(string line, string? region, bool verify)
    {
        _files.Write(_files.Current, "clouds.yaml", $"clouds:\n  c:\n    {line}\n");

        var cloud = _files.Load("c");

        Assert.Equal(region, cloud.RegionName);
        Assert.Equal(verify, cloud.Verify);
        Assert.Empty(cloud.Auth);
    }
}
