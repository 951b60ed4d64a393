using System.Reflection;
using System.Text.Json.Nodes;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// The Keystone API-reference vectors, read at run time from
/// <c>&lt;repo root&gt;/../shared/vectors/keystone-api-ref</c>; never copied into the repo.
/// </summary>
internal static class Vectors
{
    private static readonly Lazy<string?> s_directory = new(Locate);

    public static string? Directory => s_directory.Value;

    public static bool Available => Directory is not null;

    public static string ReadText(string name)
    {
        var dir = Directory ?? throw new InvalidOperationException("The keystone-api-ref vectors were not found next to the repository.");
        return File.ReadAllText(Path.Combine(dir, name));
    }

    public static JsonNode ReadJson(string name) => JsonNode.Parse(ReadText(name))!;

    private static string? Locate()
    {
        // A git worktree outside the main checkout has no ../shared next to it.
        if (Environment.GetEnvironmentVariable("KS_VECTORS_DIR") is { Length: > 0 } configured && System.IO.Directory.Exists(configured))
        {
            return configured;
        }

        foreach (var start in Starts())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Keystone.sln")))
                {
                    var vectors = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors", "keystone-api-ref"));
                    if (System.IO.Directory.Exists(vectors))
                    {
                        return vectors;
                    }

                    break;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Starts()
    {
        yield return AppContext.BaseDirectory;

        // Builds with KS_ARTIFACTS put the output outside the repository.
        var root = typeof(Vectors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (!string.IsNullOrEmpty(root))
        {
            yield return root;
        }
    }
}

/// <summary>A fact that needs the vectors: skipped, visibly, when they are not next to the repository.</summary>
internal sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (!Vectors.Available)
        {
            Skip = "../shared/vectors/keystone-api-ref not found next to the repository";
        }
    }
}

/// <summary>A theory that needs the vectors.</summary>
internal sealed class VectorTheoryAttribute : TheoryAttribute
{
    public VectorTheoryAttribute()
    {
        if (!Vectors.Available)
        {
            Skip = "../shared/vectors/keystone-api-ref not found next to the repository";
        }
    }
}
