namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// Where <see cref="CloudsYaml.Load"/> looks and what it reads besides the
/// files. The defaults are openstacksdk's; tests and unusual deployments
/// replace them.
/// </summary>
public sealed class CloudsYamlOptions
{
    /// <summary>
    /// The folders searched, in order, for <c>clouds.yaml</c> (then
    /// <c>.yml</c>, <c>.json</c>) and <c>secure.yaml</c>. Null (the default):
    /// the current directory, <c>~/.config/openstack</c> (<c>$XDG_CONFIG_HOME/openstack</c>)
    /// and <c>/etc/openstack</c>. <c>OS_CLIENT_CONFIG_FILE</c> and
    /// <c>OS_CLIENT_SECURE_FILE</c> are tried before them either way.
    /// </summary>
    public IReadOnlyList<string>? SearchDirectories { get; init; }

    /// <summary>Reads one environment variable; null means <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?>? GetEnvironmentVariable { get; init; }

    /// <summary>
    /// Whether set <c>OS_*</c> variables override the file's values (default
    /// true), as they do for the <c>openstack</c> command line.
    /// <c>OS_CLOUD</c>, <c>OS_CLIENT_CONFIG_FILE</c> and
    /// <c>OS_CLIENT_SECURE_FILE</c> are read either way.
    /// </summary>
    public bool UseEnvironmentOverrides { get; init; } = true;
}
