using System.Net;

namespace Keystone.Auth.IntegrationTests;

/// <summary>Scenario 1: every auth variant the server supports, checked against what the fixture created.</summary>
[Collection(KeystoneGroup.Name)]
public sealed class AuthVariantTests(KeystoneFixture fx)
{
    [Fact]
    public async Task User_by_name_and_domain_scoped_to_project_by_name_and_domain()
    {
        var access = await IssueAndUseAsync(fx.Alice());

        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.Equal(SeedData.AliceName, access.User.Name);
        Assert.Equal("default", access.User.DomainId);
        Assert.Equal(fx.Seed.AlphaId, access.Project!.Id);
        Assert.Equal(SeedData.AlphaName, access.Project.Name);
        Assert.Equal("default", access.Project.DomainId);
        Assert.Equal("Default", access.Project.DomainName);
        Assert.Null(access.Domain);
        Assert.Null(access.SystemScope);
        Assert.Contains(access.Roles, r => r.Name == "member");
        Assert.Equal(["password"], access.Methods);
        Assert.NotEmpty(access.AuditIds);
        Assert.False(access.Catalog.IsEmpty);
        Assert.True(access.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task User_by_id_scoped_to_project_by_id()
    {
        var access = await IssueAndUseAsync(new PasswordAuthOptions
        {
            AuthUrl = fx.AuthUrl, UserId = fx.Seed.AliceId, Password = SeedData.AlicePassword, ProjectId = fx.Seed.AlphaId,
        });

        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.Equal(SeedData.AliceName, access.User.Name);
        Assert.Equal(fx.Seed.AlphaId, access.Project!.Id);
        Assert.Equal(SeedData.AlphaName, access.Project.Name);
    }

    [Fact]
    public async Task User_and_project_in_a_non_default_domain_by_domain_id()
    {
        var access = await IssueAndUseAsync(new PasswordAuthOptions
        {
            AuthUrl = fx.AuthUrl, Username = SeedData.CarolName, UserDomainId = fx.Seed.DomainId, Password = SeedData.CarolPassword,
            ProjectName = SeedData.GammaName, ProjectDomainId = fx.Seed.DomainId,
        });

        Assert.Equal(fx.Seed.CarolId, access.User!.Id);
        Assert.Equal(fx.Seed.DomainId, access.User.DomainId);
        Assert.Equal(SeedData.DomainName, access.User.DomainName);
        Assert.Equal(fx.Seed.GammaId, access.Project!.Id);
        Assert.Equal(fx.Seed.DomainId, access.Project.DomainId);
    }

    [Fact]
    public async Task Domain_scope_by_name()
    {
        var access = await IssueAndUseAsync(new PasswordAuthOptions
        {
            AuthUrl = fx.AuthUrl, Username = SeedData.AliceName, UserDomainName = "Default", Password = SeedData.AlicePassword,
            DomainName = SeedData.DomainName,
        });

        AssertDomainScoped(access);
    }

    [Fact]
    public async Task Domain_scope_by_id()
    {
        var access = await IssueAndUseAsync(new PasswordAuthOptions
        {
            AuthUrl = fx.AuthUrl, UserId = fx.Seed.AliceId, Password = SeedData.AlicePassword, DomainId = fx.Seed.DomainId,
        });

        AssertDomainScoped(access);
    }

    [Fact]
    public async Task System_scope()
    {
        // keystone-manage bootstrap gives the admin user the admin role on the system.
        var access = await IssueAndUseAsync(new PasswordAuthOptions
        {
            AuthUrl = fx.AuthUrl, Username = "admin", UserDomainName = "Default", Password = AdminApi.AdminPassword, SystemScope = "all",
        });

        Assert.Equal("all", access.SystemScope);
        Assert.Equal(fx.Seed.AdminId, access.User!.Id);
        Assert.Null(access.Project);
        Assert.Null(access.Domain);
        Assert.True(access.IsScoped);
        Assert.Contains(access.Roles, r => r.Name == "admin");
        Assert.False(access.Catalog.IsEmpty);
    }

    [Fact]
    public async Task Explicitly_unscoped_ignores_the_default_project()
    {
        var options = fx.AliceWithoutScope();
        options.Unscoped = true;

        var access = await IssueAndUseAsync(options);

        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.False(access.IsScoped);
        Assert.Null(access.Project);
        Assert.Null(access.Domain);
        Assert.Null(access.SystemScope);
        Assert.Empty(access.Roles);
        Assert.True(access.Catalog.IsEmpty);
    }

    [Fact]
    public async Task No_scope_gets_the_users_default_project()
    {
        var options = fx.AliceWithoutScope();

        var access = await IssueAndUseAsync(options);

        Assert.Equal(fx.Seed.AlphaId, access.Project!.Id);
    }

    [Fact]
    public async Task No_catalog_when_asked()
    {
        var options = fx.Alice();
        options.IncludeCatalog = false;
        using var rig = new Rig(options);

        var access = await rig.Session.GetAccessAsync();

        Assert.Equal(fx.Seed.AlphaId, access.Project!.Id);
        Assert.True(access.Catalog.IsEmpty);
        var post = Assert.Single(rig.Counter.Events);
        Assert.Equal("POST 201", post.Short);
    }

    private void AssertDomainScoped(AccessInfo access)
    {
        Assert.Equal(fx.Seed.AliceId, access.User!.Id);
        Assert.Equal(fx.Seed.DomainId, access.Domain!.Id);
        Assert.Equal(SeedData.DomainName, access.Domain.Name);
        Assert.Null(access.Project);
        Assert.Null(access.SystemScope);
        Assert.Contains(access.Roles, r => r.Name == "member");
    }

    /// <summary>
    /// Gets the token (one POST), then makes an authenticated call with it (an
    /// absolute URL, so unscoped tokens without a catalog work too): the server
    /// accepts it and no second POST is made.
    /// </summary>
    private async Task<AccessInfo> IssueAndUseAsync(PasswordAuthOptions options)
    {
        using var rig = new Rig(options);

        var access = await rig.Session.GetAccessAsync();
        using var response = await rig.Session.GetAsync($"{fx.AuthUrl}{TestHttp.AuthenticatedPath}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["POST 201", "GET 200"], rig.Counter.Events.Select(e => e.Short));
        Assert.False(string.IsNullOrEmpty(access.Token));
        return access;
    }
}
