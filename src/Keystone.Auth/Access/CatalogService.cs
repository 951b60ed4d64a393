namespace Keystone.Auth;

/// <summary>One service of the catalog with its endpoints.</summary>
/// <param name="Type">The service type, e.g. <c>identity</c>.</param>
/// <param name="Name">The service name, e.g. <c>keystone</c>.</param>
/// <param name="Id">The service id.</param>
/// <param name="Endpoints">The endpoints, in catalog order.</param>
public sealed record CatalogService(string Type, string? Name, string? Id, IReadOnlyList<CatalogEndpoint> Endpoints);
