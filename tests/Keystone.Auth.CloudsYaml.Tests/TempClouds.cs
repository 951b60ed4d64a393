namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>
/// A throw-away folder tree standing in for the current directory,
/// ~/.config/openstack and /etc/openstack, and a fake environment, so that no
/// test reads the machine's real files or variables.
/// </summary>
internal sealed class TempClouds : IDisposable
{
    public TempClouds()
    {
        Root = Directory.CreateTempSubdirectory("clouds-yaml-").FullName;
        Current = Directory.CreateDirectory(Path.Combine(Root, "cwd")).FullName;
        User = Directory.CreateDirectory(Path.Combine(Root, "home", ".config", "openstack")).FullName;
        Site = Directory.CreateDirectory(Path.Combine(Root, "etc", "openstack")).FullName;
    }

    public string Root { get; }

    public string Current { get; }

    public string User { get; }

    public string Site { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public CloudsYamlOptions Options => new()
    {
        SearchDirectories = [Current, User, Site],
        GetEnvironmentVariable = name => Environment.GetValueOrDefault(name),
    };

    public string Write(string directory, string fileName, string yaml)
    {
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, yaml);
        return path;
    }

    public CloudConfig Load(string? cloud = null) => CloudsYaml.Load(cloud, Options);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
