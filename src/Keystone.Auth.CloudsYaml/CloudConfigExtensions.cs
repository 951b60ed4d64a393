namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// Turns a <see cref="CloudConfig"/> into Keystone.Auth options. One file on
/// purpose: each auth method's mapping is added here as its options type appears.
/// </summary>
public static class CloudConfigExtensions
{
    private const string OptionsType = "clouds.yaml";

    /// <summary>
    /// The <see cref="PasswordAuthOptions"/> of a cloud whose <c>auth_type</c>
    /// is <c>password</c>, <c>v3password</c> or absent (openstacksdk's default).
    /// </summary>
    /// <remarks>
    /// As openstacksdk does, a project-scoped cloud's <c>domain_id</c>/<c>domain_name</c>
    /// is the default of the user's and the project's domain rather than a
    /// domain scope; <c>default_domain_id</c>/<c>_name</c> fill the same gaps;
    /// <c>tenant_id</c>/<c>tenant_name</c> are read as the project.
    /// The result is validated when a <see cref="PasswordAuth"/> is made from it.
    /// </remarks>
    /// <exception cref="InvalidOptionsException">The cloud's auth_type is another method.</exception>
    public static PasswordAuthOptions ToPasswordAuthOptions(this CloudConfig cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        if (cloud.AuthType is not (null or "password" or "v3password"))
        {
            throw new InvalidOptionsException(OptionsType, [$"{cloud.FilePath}: cloud '{cloud.Name}' has auth_type '{cloud.AuthType}', not password or v3password"]);
        }

        var auth = cloud.Auth;
        string? Get(string key) => auth.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        var projectId = Get("project_id") ?? Get("tenant_id");
        var projectName = Get("project_name") ?? Get("tenant_name");
        var projectScoped = projectId is not null || projectName is not null;

        // openstacksdk's _handle_domain_id: with a project scope, domain_* only say
        // which domain the user and the project are in.
        var defaultDomainId = Get("default_domain_id") ?? (projectScoped ? Get("domain_id") : null);
        var defaultDomainName = Get("default_domain_name") ?? (projectScoped ? Get("domain_name") : null);
        var userDomainId = Get("user_domain_id");
        var userDomainName = Get("user_domain_name");
        if (userDomainId is null && userDomainName is null)
        {
            (userDomainId, userDomainName) = (defaultDomainId, defaultDomainId is null ? defaultDomainName : null);
        }

        var projectDomainId = Get("project_domain_id");
        var projectDomainName = Get("project_domain_name");
        if (projectName is not null && projectDomainId is null && projectDomainName is null)
        {
            (projectDomainId, projectDomainName) = (defaultDomainId, defaultDomainId is null ? defaultDomainName : null);
        }

        return new PasswordAuthOptions
        {
            AuthUrl = Get("auth_url"),
            UserId = Get("user_id"),
            Username = Get("username"),
            UserDomainId = userDomainId,
            UserDomainName = userDomainName,
            Password = Get("password"),
            ProjectId = projectId,
            ProjectName = projectName,
            ProjectDomainId = projectDomainId,
            ProjectDomainName = projectDomainName,
            DomainId = projectScoped ? null : Get("domain_id"),
            DomainName = projectScoped ? null : Get("domain_name"),
            SystemScope = Get("system_scope"),
            TrustId = Get("trust_id"),
        };
    }

    /// <summary>
    /// Transport settings of the cloud: <c>cacert</c>, <c>cert</c>, <c>key</c>,
    /// and <c>verify: false</c> as <see cref="KeystoneTransportOptions.Insecure"/>;
    /// timeouts and pooling keep their defaults.
    /// </summary>
    public static KeystoneTransportOptions ToTransportOptions(this CloudConfig cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        return new KeystoneTransportOptions
        {
            CaCertificatesPath = cloud.CaCertificatesPath,
            ClientCertificatePath = cloud.ClientCertificatePath,
            ClientKeyPath = cloud.ClientKeyPath,
            Insecure = !cloud.Verify,
        };
    }

    /// <summary>Sets the endpoint defaults of an identity from the cloud's <c>region_name</c> and <c>interface</c>.</summary>
    /// <exception cref="InvalidOptionsException"><c>interface</c> is not public, internal or admin.</exception>
    public static void ApplyEndpointDefaults(this CloudConfig cloud, KeystoneAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        ArgumentNullException.ThrowIfNull(options);
        if (cloud.Interface is not null)
        {
            options.Interface = EndpointFilter.TryParseInterface(cloud.Interface, out var parsed)
                ? parsed
                : throw new InvalidOptionsException(OptionsType, [$"{cloud.FilePath}: interface of cloud '{cloud.Name}' must be public, internal or admin, got '{cloud.Interface}'"]);
        }

        if (cloud.RegionName is not null)
        {
            options.RegionName = cloud.RegionName;
        }
    }
}
