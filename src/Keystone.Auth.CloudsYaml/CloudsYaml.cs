namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// Reads a cloud from OpenStack's clouds.yaml the way openstacksdk (and so the
/// <c>openstack</c> command) and gophercloud do: the first clouds.yaml found on
/// the search path, secure.yaml merged over it, the cloud picked by name or
/// <c>OS_CLOUD</c>, then the <c>OS_*</c> variables applied.
/// </summary>
public static class CloudsYaml
{
    private const string CloudsFile = "clouds.yaml";
    private const string SecureFile = "secure.yaml";

    // openstacksdk tries each folder with these suffixes, in this order.
    private static readonly string[] s_suffixes = [".yaml", ".yml", ".json"];

    /// <summary>Loads one cloud.</summary>
    /// <param name="cloudName">The cloud's key under <c>clouds:</c>; null means <c>OS_CLOUD</c>.</param>
    /// <param name="options">Search folders and environment; null means openstacksdk's defaults.</param>
    /// <returns>The cloud, secure.yaml and environment applied.</returns>
    /// <exception cref="InvalidOptionsException">
    /// No clouds.yaml was found (the paths tried are listed), no cloud was
    /// named, the cloud is not in the file (the names present are listed), or
    /// a file is malformed (file, line and column; never a value).
    /// </exception>
    public static CloudConfig Load(string? cloudName = null, CloudsYamlOptions? options = null)
    {
        options ??= new CloudsYamlOptions();
        var getVariable = options.GetEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        var directories = options.SearchDirectories ?? DefaultSearchDirectories();

        var cloudsCandidates = Candidates(Get("OS_CLIENT_CONFIG_FILE"), directories, "clouds");
        var cloudsPath = cloudsCandidates.FirstOrDefault(File.Exists)
            ?? throw YamlTree.Fail(CloudsFile, $"no clouds.yaml found; looked for {string.Join(", ", cloudsCandidates)}");
        var root = YamlTree.Read(cloudsPath, CloudsFile);
        if (root is not null)
        {
            // Checked before the merge, which would otherwise let secure.yaml replace it silently.
            RequireMap(root, CloudsFile, "the document");
        }

        var securePath = Candidates(Get("OS_CLIENT_SECURE_FILE"), directories, "secure").FirstOrDefault(File.Exists);
        if (securePath is not null && YamlTree.Read(securePath, SecureFile) is { } secure)
        {
            RequireMap(secure, SecureFile, "the document");
            root = root is null ? secure : YamlTree.Merge(root, secure);
        }

        var clouds = CloudsOf(root, cloudsPath);
        var name = cloudName ?? Get("OS_CLOUD");
        if (string.IsNullOrEmpty(name))
        {
            throw YamlTree.Fail(CloudsFile, $"{cloudsPath}: no cloud selected: pass a cloud name or set OS_CLOUD ({Names(clouds)})");
        }

        if (!clouds.TryGetValue(name, out var cloud))
        {
            throw YamlTree.Fail(CloudsFile, $"{cloudsPath}: cloud '{name}' not found ({Names(clouds)})");
        }

        var settings = CloudReader.Read(name, cloud);
        if (options.UseEnvironmentOverrides)
        {
            EnvironmentOverrides.Apply(settings, Get);
        }

        return settings.ToCloudConfig(name, cloudsPath);
    }

    /// <summary>The current directory, the user's and the site's openstack folders, as openstacksdk searches them.</summary>
    internal static IReadOnlyList<string> DefaultSearchDirectories()
    {
        // On Linux ApplicationData is $XDG_CONFIG_HOME or ~/.config, as for openstacksdk's appdirs.
        var directories = new List<string>
        {
            Directory.GetCurrentDirectory(),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "openstack"),
        };
        if (!OperatingSystem.IsWindows())
        {
            directories.Add("/etc/openstack");
        }

        return directories;
    }

    private static List<string> Candidates(string? overridePath, IReadOnlyList<string> directories, string baseName)
    {
        var candidates = new List<string>();
        if (overridePath is not null)
        {
            candidates.Add(overridePath);
        }

        foreach (var directory in directories)
        {
            foreach (var suffix in s_suffixes)
            {
                candidates.Add(Path.Combine(directory, baseName + suffix));
            }
        }

        return candidates;
    }

    private static Dictionary<string, YamlTree> CloudsOf(YamlTree? root, string path)
    {
        if (root is null)
        {
            throw YamlTree.Fail(CloudsFile, $"{path}: the file is empty (no 'clouds' section)");
        }

        if (!root.Map!.TryGetValue("clouds", out var clouds) || clouds.Scalar is null && clouds.Map is null && clouds.List is null)
        {
            throw YamlTree.Fail(CloudsFile, $"{path}: no 'clouds' section");
        }

        RequireMap(clouds, CloudsFile, "'clouds'");
        return clouds.Map!;
    }

    internal static void RequireMap(YamlTree node, string optionsType, string what)
    {
        if (node.Map is null)
        {
            throw YamlTree.Fail(optionsType, $"{node.Where}: {what} must be a map of names to values");
        }
    }

    private static string Names(Dictionary<string, YamlTree> clouds) =>
        clouds.Count == 0
            ? "the file defines no clouds"
            : "clouds in the file: " + string.Join(", ", clouds.Keys.Order(StringComparer.Ordinal));
}
