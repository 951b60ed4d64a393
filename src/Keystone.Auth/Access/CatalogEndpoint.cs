namespace Keystone.Auth;

/// <summary>One endpoint of a catalog service.</summary>
/// <param name="Id">The endpoint id.</param>
/// <param name="Interface">The interface as the catalog wrote it (<c>public</c>, <c>internal</c>, <c>admin</c>).</param>
/// <param name="Region">The legacy <c>region</c> field.</param>
/// <param name="RegionId">The <c>region_id</c> field (preferred for matching).</param>
/// <param name="Url">The endpoint URL.</param>
public sealed record CatalogEndpoint(string? Id, string Interface, string? Region, string? RegionId, string Url);
