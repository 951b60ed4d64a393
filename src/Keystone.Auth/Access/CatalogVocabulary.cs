using System.Collections.Frozen;

namespace Keystone.Auth.Access;

/// <summary>
/// Service types, service names and region names that nearly every OpenStack
/// or StarlingX catalog carries. A catalog refers to them by a one-byte index
/// (as HPACK's static table does for HTTP headers) instead of holding its own
/// copy, and decoding hands out these very instances.
/// </summary>
/// <remarks>
/// The order is not persisted anywhere, so entries can be added or reordered
/// freely; the table must stay below 256 entries.
/// </remarks>
internal static class CatalogVocabulary
{
    private static readonly string[] s_words =
    [
        // OpenStack service types (service-types-authority) and their usual names.
        "identity", "keystone", "compute", "nova", "network", "neutron", "image", "glance",
        "volume", "volumev2", "volumev3", "block-storage", "cinder", "cinderv2", "cinderv3",
        "placement", "orchestration", "heat", "cloudformation", "heat-cfn", "object-store", "swift",
        "metric", "gnocchi", "alarming", "aodh", "event", "panko", "key-manager", "barbican",
        "dns", "designate", "load-balancer", "octavia", "baremetal", "ironic", "baremetal-introspection",
        "ironic-inspector", "shared-file-system", "manila", "sharev2", "container-infra", "magnum",
        "workflow", "mistral", "messaging", "zaqar", "clustering", "senlin", "application-catalog",
        "murano", "data-processing", "sahara", "rating", "cloudkitty", "instance-ha", "masakari",
        "reservation", "blazar", "container", "zun", "accelerator", "cyborg", "resource-cluster",
        "monitoring", "monasca", "backup", "freezer", "policy", "congress", "root-cause-analysis",
        "vitrage", "tacker", "nfv-orchestration",

        // StarlingX and Distributed Cloud.
        "platform", "sysinv", "faultmanagement", "fm", "nfv", "vim", "patching", "usm", "software",
        "smapi", "dcagent", "dcorch-dbsync", "dcdbsync", "dcmanager", "dcorch", "docker-registry",

        // Region names every deployment starts with.
        "RegionOne", "RegionTwo", "SystemController",
    ];

    private static readonly FrozenDictionary<string, byte> s_index = BuildIndex();

    /// <summary>How many words the table has.</summary>
    public static int Count => s_words.Length;

    /// <summary>The word at <paramref name="index"/>.</summary>
    public static string Get(byte index) => s_words[index];

    /// <summary>The index of <paramref name="value"/>, when it is in the table.</summary>
    public static bool TryGetIndex(string value, out byte index) => s_index.TryGetValue(value, out index);

    private static FrozenDictionary<string, byte> BuildIndex()
    {
        if (s_words.Length > byte.MaxValue + 1)
        {
            throw new InvalidOperationException("The catalog vocabulary must fit one-byte indexes.");
        }

        var index = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (var i = 0; i < s_words.Length; i++)
        {
            index.TryAdd(s_words[i], (byte)i);
        }

        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
