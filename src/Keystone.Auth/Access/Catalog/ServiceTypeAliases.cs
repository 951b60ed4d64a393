using System.Collections.Frozen;

namespace Keystone.Auth.Access;

/// <summary>
/// Service-type aliases of the OpenStack service-types authority, so that a
/// lookup for <c>block-storage</c> finds a catalog that still lists
/// <c>volumev3</c> (as StarlingX's does), and the reverse, as keystoneauth does.
/// </summary>
/// <remarks>
/// <para>
/// Data, not logic: the authority's "forward" map (official type, then its
/// aliases in order of preference), copied once from the
/// <c>service-types.json</c> that os-service-types 1.7.0 ships (authority
/// version 2019-05-01T19:53:21.498745, commit 4a8e2d261fb5a4283d7d0eae9c39ead15dfd799c), which is what keystoneauth1 5.0
/// reads. Regenerate from a newer file when the authority adds aliases.
/// </para>
/// <para>
/// Matching follows os-service-types' <c>is_match</c>: an official type finds
/// itself and each of its aliases; an alias finds itself and its official type,
/// never a sibling alias (<c>volumev3</c> does not find <c>volumev2</c>: the
/// versions behind old aliases differ). Type names compare exactly.
/// </para>
/// </remarks>
internal static class ServiceTypeAliases
{
    private static readonly (string Official, string[] Aliases)[] s_forward =
    [
        ("admin-logic", ["registration"]),
        ("alarm", ["alarming"]),
        ("application-container", ["container"]),
        ("application-deployment", ["application_deployment"]),
        ("baremetal", ["bare-metal"]),
        ("block-storage", ["volumev3", "volumev2", "volume", "block-store"]),
        ("clustering", ["resource-cluster", "cluster"]),
        ("container-infrastructure-management", ["container-infrastructure", "container-infra"]),
        ("event", ["events"]),
        ("instance-ha", ["ha"]),
        ("message", ["messaging"]),
        ("meter", ["metering", "telemetry"]),
        ("monitoring-logging", ["monitoring-log-api"]),
        ("multi-region-network-automation", ["tricircle"]),
        ("operator-policy", ["policy"]),
        ("resource-optimization", ["infra-optim"]),
        ("root-cause-analysis", ["rca"]),
        ("shared-file-system", ["sharev2", "share"]),
        ("workflow", ["workflowv2"]),
    ];

    private static readonly FrozenDictionary<string, string[]> s_others = Build();

    /// <summary>
    /// The types other than <paramref name="requested"/> that a lookup for it
    /// may find, most preferred first (keystoneauth's order: the official type,
    /// then its aliases as the authority lists them). Empty for a type the
    /// authority does not know.
    /// </summary>
    public static string[] OthersFor(string requested) =>
        s_others.TryGetValue(requested, out var others) ? others : [];

    private static FrozenDictionary<string, string[]> Build()
    {
        var others = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (official, aliases) in s_forward)
        {
            others.Add(official, aliases);
            foreach (var alias in aliases)
            {
                others.Add(alias, [official]);
            }
        }

        return others.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
