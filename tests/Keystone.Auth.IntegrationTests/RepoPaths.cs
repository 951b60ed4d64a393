using System.Reflection;

namespace Keystone.Auth.IntegrationTests;

/// <summary>Where the repository (and so scripts/keystone) is.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    public static string KeystoneScripts => Path.Combine(Root, "scripts", "keystone");

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("KS_REPO_ROOT") is { Length: > 0 } fromEnv)
        {
            return Path.GetFullPath(fromEnv);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keystone.sln")))
            {
                return dir.FullName;
            }
        }

        // Out-of-tree build output (KS_ARTIFACTS): the path recorded at build time.
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Keystone.sln")))
        {
            return recorded;
        }

        throw new InvalidOperationException(
            $"Cannot find the repository root (a folder with Keystone.sln) above {AppContext.BaseDirectory} or at '{recorded}'; set KS_REPO_ROOT.");
    }
}
