namespace Keystone.Auth.CloudsYaml;

/// <summary>The settings of one cloud while they are gathered: file first, then environment.</summary>
internal sealed class CloudSettings
{
    public string? AuthType { get; set; }

    public Dictionary<string, string> Auth { get; } = new(StringComparer.Ordinal);

    public string? RegionName { get; set; }

    public string? Interface { get; set; }

    public string? CaCertificatesPath { get; set; }

    public bool Verify { get; set; } = true;

    public string? ClientCertificatePath { get; set; }

    public string? ClientKeyPath { get; set; }

    public CloudConfig ToCloudConfig(string name, string filePath) => new(name, filePath, AuthType, Auth)
    {
        RegionName = RegionName,
        Interface = Interface,
        CaCertificatesPath = CaCertificatesPath,
        Verify = Verify,
        ClientCertificatePath = ClientCertificatePath,
        ClientKeyPath = ClientKeyPath,
    };
}

/// <summary>
/// Reads the keys this package understands from one cloud's map. Keys it does
/// not know (profile, identity_api_version, block_storage_api_version, ...)
/// are left alone, as the other readers of the file need them.
/// </summary>
internal static class CloudReader
{
    private const string OptionsType = "clouds.yaml";

    public static CloudSettings Read(string name, YamlTree cloud)
    {
        CloudsYaml.RequireMap(cloud, OptionsType, $"cloud '{name}'");
        var map = cloud.Map!;
        var settings = new CloudSettings
        {
            AuthType = Scalar(map, "auth_type", name),
            RegionName = Scalar(map, "region_name", name) ?? FirstRegion(map, name),
            Interface = Scalar(map, "interface", name),
            CaCertificatesPath = Scalar(map, "cacert", name),
            ClientCertificatePath = Scalar(map, "cert", name),
            ClientKeyPath = Scalar(map, "key", name),
            Verify = Boolean(map, "verify", name) ?? true,
        };

        // openstacksdk: insecure is the older spelling of "verify: false".
        if (Boolean(map, "insecure", name) == true)
        {
            settings.Verify = false;
        }

        map.TryGetValue("auth", out var auth);
        if (auth is not null && (auth.Scalar is not null || auth.List is not null))
        {
            throw YamlTree.Fail(OptionsType, $"{auth.Where}: 'auth' of cloud '{name}' must be a map of names to values");
        }

        foreach (var (key, value) in auth?.Map ?? [])
        {
            if (value.Map is not null || value.List is not null)
            {
                throw YamlTree.Fail(OptionsType, $"{value.Where}: auth '{key}' of cloud '{name}' must be a single value");
            }

            if (value.Scalar is not null)
            {
                settings.Auth[key] = value.Scalar;
            }
        }

        return settings;
    }

    /// <summary>A YAML 1.1 boolean (true/false, yes/no, on/off), as PyYAML reads the file.</summary>
    internal static bool? ParseBoolean(string text) => text.ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "ON" or "1" => true,
        "FALSE" or "NO" or "OFF" or "0" => false,
        _ => null,
    };

    private static string? Scalar(Dictionary<string, YamlTree> map, string key, string cloud)
    {
        if (!map.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node.Map is not null || node.List is not null)
        {
            throw YamlTree.Fail(OptionsType, $"{node.Where}: '{key}' of cloud '{cloud}' must be a single value");
        }

        return node.Scalar is { Length: > 0 } text ? text : null;
    }

    private static bool? Boolean(Dictionary<string, YamlTree> map, string key, string cloud)
    {
        if (Scalar(map, key, cloud) is not { } text)
        {
            return null;
        }

        // The value is not quoted: a mistyped flag is not a secret, but the rule is simpler without exceptions.
        return ParseBoolean(text)
            ?? throw YamlTree.Fail(OptionsType, $"{map[key].Where}: '{key}' of cloud '{cloud}' must be true or false");
    }

    /// <summary>openstacksdk uses the first entry of <c>regions</c> (a name, or a map with <c>name</c>) when <c>region_name</c> is absent.</summary>
    private static string? FirstRegion(Dictionary<string, YamlTree> map, string cloud)
    {
        if (!map.TryGetValue("regions", out var regions) || regions.List is not { Count: > 0 } list)
        {
            return null;
        }

        var first = list[0];
        return first.Scalar
            ?? (first.Map is { } region && region.TryGetValue("name", out var regionName) ? regionName.Scalar : null)
            ?? throw YamlTree.Fail(OptionsType, $"{first.Where}: the first of 'regions' of cloud '{cloud}' has no name");
    }
}
