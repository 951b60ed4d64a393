namespace Keystone.Auth.CloudsYaml.Tests;

/// <summary>Missing and malformed files: typed errors that name the file and position, never a value.</summary>
public sealed class ErrorTests : IDisposable
{
    private const string Secret = "pa55-w0rd-never-shown";
    private readonly TempClouds _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void NoFileListsEveryPathTried()
    {
        _files.Environment["OS_CLIENT_CONFIG_FILE"] = Path.Combine(_files.Root, "missing.yaml");

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));

        Assert.Equal("clouds.yaml", error.OptionsType);
        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"no clouds.yaml found; looked for {Path.Combine(_files.Root, "missing.yaml")}, {Path.Combine(_files.Current, "clouds.yaml")}, ", failure, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine(_files.Site, "clouds.json"), failure, StringComparison.Ordinal);
    }

    [Theory]
    // An unclosed quote: the scanner fails on the secret's own line.
    [InlineData("clouds:\n  c:\n    auth:\n      password: \"" + Secret + "\n", 4)]
    // A second line indented deeper than a plain scalar's key allows.
    [InlineData("clouds:\n  c:\n    auth:\n      username: admin\n       password: " + Secret + "\n", 5)]
    // A mapping value where a plain scalar was.
    [InlineData("clouds:\n  c:\n    auth:\n      password: " + Secret + ": more\n", 4)]
    public void MalformedYamlNamesFileLineAndColumnButNoValue(string yaml, int line)
    {
        var path = _files.Write(_files.Current, "clouds.yaml", yaml);

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));

        var failure = Assert.Single(error.Failures);
        var match = System.Text.RegularExpressions.Regex.Match(failure, "^(.*): malformed YAML at line ([0-9]+), column [0-9]+$");
        Assert.True(match.Success, failure);
        Assert.Equal((path, line), (match.Groups[1].Value, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void MalformedSecureYamlIsNamedAsSuch()
    {
        _files.Write(_files.Current, "clouds.yaml", "clouds: {c: {}}");
        var path = _files.Write(_files.Current, "secure.yaml", "clouds: {c: {auth: {password: '" + Secret + "}}}");

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));

        Assert.Equal("secure.yaml", error.OptionsType);
        Assert.StartsWith(path + ": malformed YAML at line 1, column ", error.Failures[0], StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the file is empty (no 'clouds' section)")]
    [InlineData("other: {}", "no 'clouds' section")]
    [InlineData("- a\n- b\n", "line 1, column 1: the document must be a map of names to values")]
    [InlineData("clouds: [a, b]", "line 1, column 9: 'clouds' must be a map of names to values")]
    [InlineData("clouds:\n  c: text", "line 2, column 6: cloud 'c' must be a map of names to values")]
    [InlineData("clouds:\n  c:\n    auth: " + Secret, "line 3, column 11: 'auth' of cloud 'c' must be a map of names to values")]
    [InlineData("clouds:\n  c:\n    auth:\n      password: [" + Secret + "]", "line 4, column 17: auth 'password' of cloud 'c' must be a single value")]
    [InlineData("clouds:\n  c:\n    region_name: {a: b}", "line 3, column 18: 'region_name' of cloud 'c' must be a single value")]
    [InlineData("clouds:\n  c:\n    verify: sometimes", "line 3, column 13: 'verify' of cloud 'c' must be true or false")]
    public void WrongShapesNameTheKeyAndWhereItIs(string yaml, string expected)
    {
        var path = _files.Write(_files.Current, "clouds.yaml", yaml);

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));

        var failure = Assert.Single(error.Failures);
        Assert.Equal(expected.StartsWith("line", StringComparison.Ordinal) ? $"{path}, {expected}" : $"{path}: {expected}", failure);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadCloudsYamlIsNotHiddenBySecureYaml()
    {
        var path = _files.Write(_files.Current, "clouds.yaml", "- a\n");
        _files.Write(_files.Current, "secure.yaml", "clouds: {c: {}}");

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));

        Assert.Equal([$"{path}, line 1, column 1: the document must be a map of names to values"], error.Failures);
    }

    [Fact]
    public void AliasBombsAreRefusedNotExpanded()
    {
        // Each level doubles the nodes: 2^20 leaves from a few lines.
        var yaml = new System.Text.StringBuilder("a0: &a0 [x, x]\n");
        for (var i = 1; i <= 20; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n");
        }

        yaml.Append("clouds: {c: {}}\n");
        _files.Write(_files.Current, "clouds.yaml", yaml.ToString());

        var error = Assert.Throws<InvalidOptionsException>(() => _files.Load("c"));
        Assert.Contains("YAML nested or aliased too deeply", error.Failures[0], StringComparison.Ordinal);
    }
}
