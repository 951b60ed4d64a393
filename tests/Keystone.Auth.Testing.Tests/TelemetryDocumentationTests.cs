using System.Diagnostics.Metrics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.Redis;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// README's Telemetry table and the instruments the packages create are the
/// same set, with the same kind and unit: an instrument added to the code and
/// not documented (or documented and gone) fails here.
/// </summary>
public sealed partial class TelemetryDocumentationTests
{
    [Fact]
    public void Every_instrument_is_documented_with_its_kind_and_unit()
    {
        var inCode = InstrumentsInCode();
        var inReadme = InstrumentsInReadme();
        Assert.True(inCode.Count >= 20, $"only {inCode.Count} instruments found: did the listener miss a package?");
        var undocumented = inCode.Where(i => !inReadme.TryGetValue(i.Key, out var d) || d != i.Value).Select(i => $"{i.Key} ({i.Value})");
        var stale = inReadme.Where(d => !inCode.ContainsKey(d.Key)).Select(d => d.Key);
        Assert.True(
            !undocumented.Any() && !stale.Any(),
            $"README Telemetry table: missing or wrong kind/unit: [{string.Join(", ", undocumented)}]; not in the code: [{string.Join(", ", stale)}]");
    }

    private static SortedDictionary<string, string> InstrumentsInCode()
    {
        // The instruments live in static classes of each package's Diagnostics
        // namespace; run their initializers so the meter has published them all.
        foreach (var assembly in new[] { typeof(AccessInfo).Assembly, typeof(TokenCache).Assembly, typeof(RedisTokenStore).Assembly })
        {
            foreach (var type in assembly.GetTypes().Where(t => t.Namespace?.EndsWith(".Diagnostics", StringComparison.Ordinal) == true && !t.ContainsGenericParameters))
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
        }

        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == KeystoneDiagnostics.MeterName)
                {
                    lock (found)
                    {
                        found[instrument.Name] = $"{Kind(instrument)} {instrument.Unit}";
                    }
                }
            },
        };
        listener.Start();
        return found;
    }

    private static SortedDictionary<string, string> InstrumentsInReadme()
    {
        var root = typeof(TelemetryDocumentationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n## Telemetry\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Telemetry' section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Row().Matches(section))
        {
            Assert.True(rows.TryAdd(m.Groups["name"].Value, $"{m.Groups["kind"].Value} {m.Groups["unit"].Value}"), $"{m.Groups["name"].Value} is listed twice");
        }

        return rows;
    }

    private static string Kind(Instrument instrument)
    {
        var name = instrument.GetType().Name;
        return name[..name.IndexOf('`', StringComparison.Ordinal)];
    }

    // | `keystone.auth.x` | Counter | `{request}` | ...
    [GeneratedRegex(@"^\| `(?<name>keystone\.auth\.[a-z_.]+)` \| (?<kind>\w+) \| `(?<unit>[^`]*)` \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
