using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>The shared entry name and key every method derives from its secret and fields.</summary>
public sealed class SharedIdentityTests
{
    private static (string Name, byte[] Key) Derive(IAuthPlugin plugin)
    {
        var key = new byte[32];
        var name = ((ISharedTokenIdentity)plugin).DeriveSharedTokenKey(key);
        return (name, key);
    }

    [Fact]
    public void Two_plugin_instances_with_the_same_secret_and_fields_derive_the_same_name_and_key_and_any_other_identity_another()
    {
        using var http = new HttpClient();
        var same1 = Derive(new PasswordAuth(CacheHarness.Identity(), http));
        var same2 = Derive(new PasswordAuth(CacheHarness.Identity(), http));
        var otherPassword = Derive(new PasswordAuth(CacheHarness.Identity(password: "another-secret"), http));
        var otherProject = Derive(new PasswordAuth(CacheHarness.Identity(project: "admin"), http));
        var otherUser = Derive(new PasswordAuth(CacheHarness.Identity(user: "dcorch"), http));
        var stable = CacheHarness.Identity();
        stable.StableCacheId = true;
        var stableToo = Derive(new PasswordAuth(stable, http));

        Assert.Equal(same1.Name, same2.Name);
        Assert.Equal(same1.Key, same2.Key);
        Assert.Equal(same1.Name, stableToo.Name);              // independent of StableCacheId
        Assert.Matches("^v1\\.[0-9a-f]{64}$", same1.Name);
        Assert.NotEqual(same1.Key, new byte[32]);
        var names = new[] { same1.Name, otherPassword.Name, otherProject.Name, otherUser.Name };
        Assert.Equal(names.Length, names.Distinct().Count());
        var keys = new[] { same1.Key, otherPassword.Key, otherProject.Key, otherUser.Key }.Select(Convert.ToHexString);
        Assert.Equal(names.Length, keys.Distinct().Count());
    }

    [Fact]
    public void The_name_shows_neither_secret_user_project_nor_url_and_methods_differ()
    {
        using var http = new HttpClient();
        var (name, _) = Derive(new PasswordAuth(CacheHarness.Identity(), http));
        foreach (var part in new[] { CacheHarness.Password, "dcmanager", "services", "keystone.test", "Default" })
        {
            Assert.DoesNotContain(part, name, StringComparison.OrdinalIgnoreCase);
        }

        var appcred = Derive(new ApplicationCredentialAuth(new ApplicationCredentialAuthOptions
        {
            AuthUrl = TokenServer.AuthUrl, ApplicationCredentialId = "dcmanager", ApplicationCredentialSecret = CacheHarness.Password,
        }, http));
        var token = Derive(new TokenAuth(new TokenAuthOptions { AuthUrl = TokenServer.AuthUrl, Token = CacheHarness.Password, ProjectName = "services", ProjectDomainName = "Default" }, http));
        Assert.Equal(3, new[] { name, appcred.Name, token.Name }.Distinct().Count());
        Assert.False(typeof(ISharedTokenIdentity).IsAssignableFrom(typeof(FixedTokenAuth)));
    }

    [Fact]
    public void A_wrong_sized_destination_is_refused()
    {
        using var http = new HttpClient();
        ISharedTokenIdentity plugin = new PasswordAuth(CacheHarness.Identity(), http);
        Assert.Throws<ArgumentException>(() => plugin.DeriveSharedTokenKey(new byte[16]));
    }
}
