namespace Keystone.Auth;

/// <summary>A region as <c>GET /v3/regions</c> lists it.</summary>
/// <param name="Id">The region id, e.g. <c>RegionOne</c>, <c>subcloud1</c>.</param>
/// <param name="ParentRegionId">The parent region's id, if any.</param>
/// <param name="Description">Its description, if any.</param>
public sealed record KeystoneRegion(string Id, string? ParentRegionId, string? Description);

/// <summary>A service as <c>GET /v3/services</c> lists it.</summary>
/// <param name="Id">The service id.</param>
/// <param name="Type">The service type, e.g. <c>identity</c>, <c>platform</c>.</param>
/// <param name="Name">Its name; null or empty for a nameless service.</param>
/// <param name="Enabled">False when Keystone lists it disabled.</param>
public sealed record KeystoneService(string Id, string Type, string? Name, bool Enabled);

/// <summary>An endpoint as <c>GET /v3/endpoints</c> lists it.</summary>
/// <param name="Id">The endpoint id.</param>
/// <param name="ServiceId">The id of its service.</param>
/// <param name="Interface">Its interface.</param>
/// <param name="RegionId">Its region (<c>region_id</c>, else <c>region</c>), if any.</param>
/// <param name="Url">Its URL, as Keystone stores it.</param>
/// <param name="Enabled">False when Keystone lists it disabled.</param>
public sealed record KeystoneEndpoint(string Id, string ServiceId, EndpointInterface Interface, string? RegionId, string Url, bool Enabled);
