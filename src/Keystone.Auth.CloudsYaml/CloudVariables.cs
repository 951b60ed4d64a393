using System.Globalization;

namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// A cloud seen as the <c>OS_*</c> variables it stands for, so that the core's
/// one reader per method (<see cref="AuthPluginOptions.FromEnvironment"/>) reads
/// it: <c>OS_X_Y</c> is the <c>auth</c> key <c>x_y</c>, and <c>OS_AUTH_TYPE</c>,
/// <c>OS_REGION_NAME</c>, <c>OS_INTERFACE</c>, <c>OS_CACERT</c>, <c>OS_CERT</c>,
/// <c>OS_KEY</c> and <c>OS_INSECURE</c> the cloud's own settings.
/// </summary>
internal static class CloudVariables
{
    private const string Prefix = "OS_";

    /// <summary>The variable reader; openstacksdk's domain defaults applied first.</summary>
    public static Func<string, string?> AsVariables(this CloudConfig cloud)
    {
        var auth = WithDomainDefaults(cloud.Auth);
        return variable => variable switch
        {
            "OS_AUTH_TYPE" => cloud.AuthType,
            "OS_REGION_NAME" => cloud.RegionName,
            "OS_INTERFACE" => cloud.Interface,
            "OS_CACERT" => cloud.CaCertificatesPath,
            "OS_CERT" => cloud.ClientCertificatePath,
            "OS_KEY" => cloud.ClientKeyPath,
            "OS_INSECURE" => cloud.Verify ? null : "true",
            _ when variable.StartsWith(Prefix, StringComparison.Ordinal)
                => auth.GetValueOrDefault(variable[Prefix.Length..].ToLower(CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>
    /// openstacksdk's <c>_handle_domain_id</c>: with a project scope,
    /// <c>domain_id</c>/<c>domain_name</c> only say which domain the user and
    /// the project are in (and are then no scope); <c>default_domain_*</c>
    /// fill the same gaps.
    /// </summary>
    private static Dictionary<string, string> WithDomainDefaults(IReadOnlyDictionary<string, string> source)
    {
        var auth = source.Where(p => p.Value.Length > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        string? Get(string key) => auth.GetValueOrDefault(key);
        var projectName = Get("project_name") ?? Get("tenant_name");
        var projectScoped = Get("project_id") is not null || Get("tenant_id") is not null || projectName is not null;
        var defaultDomainId = Get("default_domain_id") ?? (projectScoped ? Get("domain_id") : null);
        var defaultDomainName = Get("default_domain_name") ?? (projectScoped ? Get("domain_name") : null);
        if (Get("user_domain_id") is null && Get("user_domain_name") is null)
        {
            SetDomain(auth, "user_domain", defaultDomainId, defaultDomainName);
        }

        if (projectName is not null && Get("project_domain_id") is null && Get("project_domain_name") is null)
        {
            SetDomain(auth, "project_domain", defaultDomainId, defaultDomainName);
        }

        if (projectScoped)
        {
            auth.Remove("domain_id");
            auth.Remove("domain_name");
        }

        return auth;
    }

    /// <summary>The id when known, else the name: Keystone wants one of them.</summary>
    private static void SetDomain(Dictionary<string, string> auth, string prefix, string? id, string? name)
    {
        if (id is not null)
        {
            auth[prefix + "_id"] = id;
        }
        else if (name is not null)
        {
            auth[prefix + "_name"] = name;
        }
    }
}
