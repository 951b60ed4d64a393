namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary><see cref="CloudConfig.ToString"/> shows every setting but no secret.</summary>
public sealed class RedactionTests : IDisposable
{
    private readonly TempClouds _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void SecretsAreHiddenEverythingElseIsShown()
    {
        _files.Write(_files.Current, "clouds.yaml", """
            clouds:
              c:
                auth_type: v3multifactor
                region_name: RegionOne
                verify: false
                auth:
                  auth_url: https://keystone/v3
                  username: admin
                  password: secret-password-1
                  application_credential_secret: secret-appcred-2
                  token: secret-token-3
                  passcode: "123456"
                  totp_secret: GEZDGNBVGY3TQOJQ
                  client_secret: secret-oidc-4
            """);

        var text = _files.Load("c").ToString();

        foreach (var secret in new[] { "secret-password-1", "secret-appcred-2", "secret-token-3", "123456", "GEZDGNBVGY3TQOJQ", "secret-oidc-4" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Contains("password = ***", text, StringComparison.Ordinal);
        Assert.Contains("totp_secret = ***", text, StringComparison.Ordinal);
        Assert.Contains("auth_url = https://keystone/v3", text, StringComparison.Ordinal);
        Assert.Contains("username = admin", text, StringComparison.Ordinal);
        Assert.Contains("AuthType = v3multifactor", text, StringComparison.Ordinal);
        Assert.Contains("RegionName = RegionOne", text, StringComparison.Ordinal);
        Assert.Contains("Verify = false", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretsFromTheEnvironmentAreHiddenToo()
    {
        _files.Write(_files.Current, "clouds.yaml", "clouds: {c: {}}");
        _files.Environment["OS_PASSWORD"] = "env-password-5";
        _files.Environment["OS_APPLICATION_CREDENTIAL_SECRET"] = "env-appcred-6";
        _files.Environment["OS_TOKEN"] = "env-token-7";
        _files.Environment["OS_PASSCODE"] = "654321";

        var text = _files.Load("c").ToString();

        Assert.DoesNotContain("env-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("654321", text, StringComparison.Ordinal);
    }
}
