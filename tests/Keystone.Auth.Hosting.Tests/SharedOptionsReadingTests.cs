using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// Configuration and environment reach every shared setting (endpoint, limits,
/// scope) through the one reader and the one copy of the options base classes.
/// </summary>
public sealed class SharedOptionsReadingTests
{
    [Theory]
    [InlineData("TrustId", "t-1")]
    [InlineData("DomainName", "Other")]
    [InlineData("DomainId", "d-1")]
    [InlineData("SystemScope", "all")]
    [InlineData("ProjectId", "p-1")]
    [InlineData("StableCacheId", "true")]
    [InlineData("Unscoped", "true")]
    public void Every_shared_key_is_read_from_configuration(string key, string value)
    {
        var values = new Dictionary<string, string?>
        {
            ["Keystone:AuthUrl"] = "https://10.10.10.2:5001/v3",
            ["Keystone:UserId"] = "u-1",
            ["Keystone:Password"] = "pw",
            ["Keystone:" + key] = value,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), s => s.AddKeystoneAuth(configuration.GetSection("Keystone")));

        var o = provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName);

        Assert.Equal(value, Read(o, key));
    }

    [Theory]
    [InlineData("OS_TRUST_ID", "TrustId", "t-1")]
    [InlineData("OS_DOMAIN_NAME", "DomainName", "Other")]
    [InlineData("OS_SYSTEM_SCOPE", "SystemScope", "all")]
    [InlineData("OS_PROJECT_ID", "ProjectId", "p-1")]
    [InlineData("OS_USER_ID", "UserId", "u-9")]
    public void Every_scope_variable_is_copied_from_the_environment(string variable, string key, string value)
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "https://10.10.10.2:5001/v3\n",
            ["OS_USERNAME"] = "dcmanager",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PASSWORD"] = "pw",
            [variable] = value,
        };
        using var provider = TestServices.Build(new CountingHandler(_ => new HttpResponseMessage()), s => s.AddKeystoneAuthFromEnvironment(getVariable: n => env.GetValueOrDefault(n)));

        var o = provider.GetRequiredService<IOptionsMonitor<PasswordAuthOptions>>().Get(Options.DefaultName);

        Assert.Equal(value, Read(o, key));
        Assert.Equal("https://10.10.10.2:5001/v3", o.AuthUrl);
    }

    private static string? Read(PasswordAuthOptions o, string key) => key switch
    {
        "TrustId" => o.TrustId,
        "DomainName" => o.DomainName,
        "DomainId" => o.DomainId,
        "SystemScope" => o.SystemScope,
        "ProjectId" => o.ProjectId,
        "UserId" => o.UserId,
        "StableCacheId" => o.StableCacheId ? "true" : "false",
        "Unscoped" => o.Unscoped ? "true" : "false",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };
}
