namespace Keystone.Auth.Identity;

/// <summary>
/// One naming rule for every setting, so that each method lists its settings
/// once (by <c>OS_*</c> variable) and configuration and clouds.yaml follow:
/// <c>OS_USER_DOMAIN_NAME</c> is <c>UserDomainName</c> in a configuration
/// section and <c>user_domain_name</c> in a clouds.yaml <c>auth</c> map. The
/// <c>OS_*</c> names and clouds.yaml keys are OpenStack's; the configuration
/// keys are the options' property names.
/// </summary>
internal static class SettingNames
{
    private const string Prefix = "OS_";

    /// <summary><c>OS_USER_DOMAIN_NAME</c> → <c>UserDomainName</c>.</summary>
    public static string ConfigurationKey(string variable)
    {
        var words = Strip(variable).Split('_', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));
    }

    private static string Strip(string variable) =>
        variable.StartsWith(Prefix, StringComparison.Ordinal) ? variable[Prefix.Length..] : variable;
}
