namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// Turns a <see cref="CloudConfig"/> into Keystone.Auth options. No method is
/// named here: the cloud is read as the <c>OS_*</c> variables it stands for
/// (<see cref="CloudVariables"/>), so every method Keystone.Auth knows is mapped.
/// </summary>
public static class CloudConfigExtensions
{
    private const string OptionsType = "clouds.yaml";

    /// <summary>
    /// The options of the cloud's auth method, chosen by <c>auth_type</c>
    /// (<c>OS_AUTH_TYPE</c> when set): <see cref="PasswordAuthOptions"/> for
    /// <c>password</c>/<c>v3password</c> or none, <see cref="ApplicationCredentialAuthOptions"/>
    /// for <c>v3applicationcredential</c>, <see cref="TokenAuthOptions"/> for
    /// <c>v3token</c>/<c>token</c>, <see cref="FixedTokenAuthOptions"/> for
    /// <c>admin_token</c>/<c>token_endpoint</c>, and so on for every name in
    /// <see cref="AuthPluginOptions.KnownAuthTypes"/>. Each <c>auth</c> key is the
    /// option's <c>OS_*</c> name without <c>OS_</c>, in lower case
    /// (<c>application_credential_id</c>, <c>token</c>, <c>endpoint</c>, …).
    /// </summary>
    /// <remarks>
    /// As openstacksdk does, a project-scoped cloud's <c>domain_id</c>/<c>domain_name</c>
    /// is the default of the user's and the project's domain rather than a
    /// domain scope; <c>default_domain_id</c>/<c>_name</c> fill the same gaps;
    /// <c>tenant_id</c>/<c>tenant_name</c> are read as the project.
    /// The result is validated when a plugin is made from it.
    /// </remarks>
    /// <exception cref="InvalidOptionsException">The cloud's auth_type is not a known method (the known ones are listed).</exception>
    public static AuthPluginOptions ToAuthPluginOptions(this CloudConfig cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        RequireKnownAuthType(cloud);
        return AuthPluginOptions.FromEnvironment(cloud.AsVariables());
    }

    /// <summary>
    /// The <see cref="PasswordAuthOptions"/> of a cloud whose <c>auth_type</c>
    /// is <c>password</c>, <c>v3password</c> or absent (openstacksdk's default);
    /// see <see cref="ToAuthPluginOptions"/> for any method.
    /// </summary>
    /// <exception cref="InvalidOptionsException">The cloud's auth_type is another method.</exception>
    public static PasswordAuthOptions ToPasswordAuthOptions(this CloudConfig cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        RequireKnownAuthType(cloud);
        return cloud.ToAuthPluginOptions() as PasswordAuthOptions
            ?? throw new InvalidOptionsException(OptionsType, [$"{cloud.FilePath}: cloud '{cloud.Name}' has auth_type '{cloud.AuthType}', not password or v3password"]);
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

    private static void RequireKnownAuthType(CloudConfig cloud)
    {
        var authType = cloud.AuthType?.Trim();
        if (!string.IsNullOrEmpty(authType) && !AuthPluginOptions.KnownAuthTypes.Contains(authType, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOptionsException(OptionsType, [
                $"{cloud.FilePath}: cloud '{cloud.Name}' has auth_type '{authType}', which is not a known auth type; known: {string.Join(", ", AuthPluginOptions.KnownAuthTypes)}"]);
        }
    }
}
