using System.Reflection;
using System.Text.RegularExpressions;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// The usage snippets in README.md and the package's PACKAGE.md are the text
/// of UsageSnippetTests' regions, which compile and run: a change to one
/// without the other fails here.
/// </summary>
public sealed partial class DocumentationTests
{
    public static TheoryData<string> Documents() => new() { "README.md", "src/Keystone.Auth.Testing/PACKAGE.md" };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_snippet_is_in_the_document_as_tested(string document)
    {
        var root = RepoRoot();
        var text = File.ReadAllText(Path.Combine(root, document)).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(root, "tests/Keystone.Auth.Testing.Tests/UsageSnippetTests.cs")).ReplaceLineEndings("\n");
        var regions = Region().Matches(source);
        Assert.Equal(4, regions.Count);
        foreach (Match region in regions)
        {
            var snippet = Dedent(region.Groups["body"].Value);
            Assert.True(text.Contains(snippet, StringComparison.Ordinal), $"{document} lacks the snippet '{region.Groups["name"].Value}' as tested");
        }
    }

    private static string Dedent(string block)
    {
        var lines = block.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd();
    }

    private static string RepoRoot() =>
        typeof(DocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    [GeneratedRegex(@"#region (?<name>\S+)\n(?<body>.*?)\n\s*#endregion", RegexOptions.Singleline)]
    private static partial Regex Region();
}
