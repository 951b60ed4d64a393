using Keystone.Auth.Endpoints;

namespace Keystone.Auth;

/// <summary>
/// How an <see cref="EndpointMap"/> picks interfaces, how often it may ask
/// Keystone again, and the URL templates for services Keystone does not list.
/// </summary>
public sealed class EndpointMapOptions
{
    /// <summary>
    /// The interface <see cref="EndpointMap.InterfaceFor"/> gives a subcloud (a
    /// region not in <see cref="CentralRegions"/>): admin by default, as
    /// distcloud's <c>EndpointCache</c> reaches subclouds.
    /// </summary>
    public EndpointInterface SubcloudInterface { get; set; } = EndpointInterface.Admin;

    /// <summary>The interface <see cref="EndpointMap.InterfaceFor"/> gives a region in <see cref="CentralRegions"/> (default internal).</summary>
    public EndpointInterface CentralInterface { get; set; } = EndpointInterface.Internal;

    /// <summary>The regions of the central cloud (default <c>RegionOne</c> and <c>SystemController</c>); compared exactly.</summary>
    public ISet<string> CentralRegions { get; set; } = new HashSet<string>(StringComparer.Ordinal) { "RegionOne", "SystemController" };

    /// <summary>
    /// The least time between two loads of the lists (default 30 s). A lookup
    /// that misses while a load runs waits for it; one that misses within this
    /// interval after the last load started gets <see cref="EndpointNotFoundException"/>
    /// at once, so an unknown region cannot turn into a request storm on Keystone.
    /// <see cref="EndpointMap.RefreshAsync"/> is not limited.
    /// </summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// URLs of services the endpoint list lacks, by service type, with
    /// <c>{host}</c> for the region's host (e.g. <c>platform</c> →
    /// <c>https://{host}:6386/v1</c>): the host set with
    /// <see cref="EndpointMap.SetRegionHost"/>, else the host of the region's first
    /// listed endpoint. Used for every interface. A listed endpoint always wins.
    /// </summary>
    public IDictionary<string, string> UrlTemplates { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(SubcloudInterface))
        {
            failures.Add($"SubcloudInterface is not an endpoint interface: {(int)SubcloudInterface}");
        }

        if (!Enum.IsDefined(CentralInterface))
        {
            failures.Add($"CentralInterface is not an endpoint interface: {(int)CentralInterface}");
        }

        if (CentralRegions is null)
        {
            failures.Add("CentralRegions must not be null");
        }

        if (MinRefreshInterval < TimeSpan.Zero)
        {
            failures.Add($"MinRefreshInterval must not be negative, got {MinRefreshInterval}");
        }

        if (UrlTemplates is null)
        {
            failures.Add("UrlTemplates must not be null");
            return failures;
        }

        foreach (var (type, template) in UrlTemplates)
        {
            if (string.IsNullOrEmpty(type))
            {
                failures.Add("UrlTemplates has an empty service type");
            }
            else if (template is null || !template.Contains(RegionHost.Placeholder, StringComparison.Ordinal))
            {
                failures.Add($"UrlTemplates['{type}'] must contain {RegionHost.Placeholder}, got '{template}'");
            }
            else if (!RegionHost.IsServiceUrl(template.Replace(RegionHost.Placeholder, "192.0.2.1", StringComparison.Ordinal)))
            {
                failures.Add($"UrlTemplates['{type}'] must be an absolute http(s) URL once {RegionHost.Placeholder} is filled, got '{template}'");
            }
        }

        return failures;
    }

    /// <summary>A copy, so a map is not affected by later changes.</summary>
    internal EndpointMapOptions Clone() => new()
    {
        SubcloudInterface = SubcloudInterface,
        CentralInterface = CentralInterface,
        CentralRegions = new HashSet<string>(CentralRegions, StringComparer.Ordinal),
        MinRefreshInterval = MinRefreshInterval,
        UrlTemplates = new Dictionary<string, string>(UrlTemplates, StringComparer.Ordinal),
    };
}
