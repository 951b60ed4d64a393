using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// One node of a parsed clouds.yaml or secure.yaml: a scalar (null for
/// YAML's null), a map or a list, with the file and position it came from so
/// that an error can point at it without quoting it.
/// </summary>
internal sealed class YamlTree
{
    private YamlTree(string file, long line, long column)
    {
        File = file;
        Line = line;
        Column = column;
    }

    private YamlTree(string file, Mark start)
        : this(file, start.Line, start.Column)
    {
    }

    public string? Scalar { get; private init; }

    public Dictionary<string, YamlTree>? Map { get; private init; }

    public List<YamlTree>? List { get; private init; }

    public string File { get; }

    public long Line { get; }

    public long Column { get; }

    /// <summary>"file, line L, column C": where to look, never what is there.</summary>
    public string Where => $"{File}, line {Line}, column {Column}";

    /// <summary>
    /// Reads a file's first document. YamlDotNet's representation model is a
    /// plain parser (no reflection), so this stays trimming- and AOT-safe.
    /// </summary>
    /// <exception cref="InvalidOptionsException">The file cannot be read or is not YAML; the message has the position only.</exception>
    public static YamlTree? Read(string path, string optionsType)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = System.IO.File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            // YamlDotNet's own text can quote the offending scalar, which may be
            // a password: only the position is reported.
            throw Fail(optionsType, $"{path}: malformed YAML at line {e.Start.Line}, column {e.Start.Column}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(optionsType, $"{path}: cannot be read ({e.GetType().Name})");
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        var budget = new Budget();
        return From(stream.Documents[0].RootNode, path, optionsType, 0, budget);
    }

    /// <summary>
    /// <paramref name="over"/> merged onto <paramref name="under"/> as
    /// openstacksdk merges secure.yaml: maps key by key at every depth, anything
    /// else replaced whole.
    /// </summary>
    public static YamlTree Merge(YamlTree under, YamlTree over)
    {
        if (under.Map is null || over.Map is null)
        {
            return over;
        }

        var merged = new Dictionary<string, YamlTree>(under.Map, StringComparer.Ordinal);
        foreach (var (key, value) in over.Map)
        {
            merged[key] = merged.TryGetValue(key, out var existing) ? Merge(existing, value) : value;
        }

        return new YamlTree(over.File, over.Line, over.Column) { Map = merged };
    }

    public static InvalidOptionsException Fail(string optionsType, string failure) => new(optionsType, [failure]);

    private static YamlTree From(YamlNode node, string file, string optionsType, int depth, Budget budget)
    {
        // Anchors and aliases let a few lines expand into an exponential tree
        // ("billion laughs"); a configuration file never needs that much.
        if (depth > 64 || ++budget.Nodes > 100_000)
        {
            throw Fail(optionsType, $"{file}: YAML nested or aliased too deeply near line {node.Start.Line}, column {node.Start.Column}");
        }

        switch (node)
        {
            case YamlScalarNode scalar:
                return new YamlTree(file, node.Start) { Scalar = IsNull(scalar) ? null : scalar.Value };
            case YamlSequenceNode sequence:
                return new YamlTree(file, node.Start)
                {
                    List = sequence.Children.Select(child => From(child, file, optionsType, depth + 1, budget)).ToList(),
                };
            case YamlMappingNode mapping:
                var map = new Dictionary<string, YamlTree>(StringComparer.Ordinal);
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw Fail(optionsType, $"{file}: a key at line {key.Start.Line}, column {key.Start.Column} is not a plain name");
                    }

                    map[name] = From(value, file, optionsType, depth + 1, budget);
                }

                return new YamlTree(file, node.Start) { Map = map };
            default:
                throw Fail(optionsType, $"{file}: unsupported YAML node at line {node.Start.Line}, column {node.Start.Column}");
        }
    }

    /// <summary>YAML 1.1/1.2 core-schema null: an empty plain scalar, <c>~</c> or <c>null</c>.</summary>
    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain
        && (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    private sealed class Budget
    {
        public int Nodes;
    }
}
