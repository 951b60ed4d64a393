namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// The <c>OS_*</c> variables that override a cloud's settings. The
/// <c>openstack</c> command reads them as the defaults of its options, and its
/// options win over clouds.yaml; a service configured by an openrc file
/// therefore behaves the same with or without a clouds.yaml.
/// </summary>
internal static class EnvironmentOverrides
{
    /// <summary>Variable → auth key, in openstacksdk's spelling (the variable's name without <c>OS_</c>, lower case).</summary>
    private static readonly (string Variable, string Key)[] s_authKeys =
    [
        ("OS_AUTH_URL", "auth_url"),
        ("OS_USER_ID", "user_id"),
        ("OS_USERNAME", "username"),
        ("OS_PASSWORD", "password"),
        ("OS_USER_DOMAIN_ID", "user_domain_id"),
        ("OS_USER_DOMAIN_NAME", "user_domain_name"),
        ("OS_PROJECT_ID", "project_id"),
        ("OS_PROJECT_NAME", "project_name"),
        ("OS_PROJECT_DOMAIN_ID", "project_domain_id"),
        ("OS_PROJECT_DOMAIN_NAME", "project_domain_name"),
        ("OS_DOMAIN_ID", "domain_id"),
        ("OS_DOMAIN_NAME", "domain_name"),
        ("OS_DEFAULT_DOMAIN_ID", "default_domain_id"),
        ("OS_DEFAULT_DOMAIN_NAME", "default_domain_name"),
        ("OS_SYSTEM_SCOPE", "system_scope"),
        ("OS_TRUST_ID", "trust_id"),
        ("OS_APPLICATION_CREDENTIAL_ID", "application_credential_id"),
        ("OS_APPLICATION_CREDENTIAL_NAME", "application_credential_name"),
        ("OS_APPLICATION_CREDENTIAL_SECRET", "application_credential_secret"),
        ("OS_TOKEN", "token"),
        ("OS_PASSCODE", "passcode"),
        ("OS_ENDPOINT", "endpoint"),
    ];

    public static void Apply(CloudSettings settings, Func<string, string?> get)
    {
        settings.AuthType = get("OS_AUTH_TYPE") ?? settings.AuthType;
        settings.RegionName = get("OS_REGION_NAME") ?? settings.RegionName;
        settings.Interface = get("OS_INTERFACE") ?? settings.Interface;
        settings.CaCertificatesPath = get("OS_CACERT") ?? settings.CaCertificatesPath;
        settings.ClientCertificatePath = get("OS_CERT") ?? settings.ClientCertificatePath;
        settings.ClientKeyPath = get("OS_KEY") ?? settings.ClientKeyPath;
        if (get("OS_INSECURE") is { } insecure)
        {
            settings.Verify = !(CloudReader.ParseBoolean(insecure)
                ?? throw YamlTree.Fail("environment", "OS_INSECURE must be true or false"));
        }

        foreach (var (variable, key) in s_authKeys)
        {
            if (get(variable) is { } value)
            {
                settings.Auth[key] = value;
            }
        }

        // OS_TENANT_* are the older names of OS_PROJECT_*; the newer ones win.
        if (get("OS_PROJECT_ID") is null && get("OS_TENANT_ID") is { } tenantId)
        {
            settings.Auth["project_id"] = tenantId;
        }

        if (get("OS_PROJECT_NAME") is null && get("OS_TENANT_NAME") is { } tenantName)
        {
            settings.Auth["project_name"] = tenantName;
        }
    }
}
