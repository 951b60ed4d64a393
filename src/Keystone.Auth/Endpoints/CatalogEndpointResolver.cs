namespace Keystone.Auth;

/// <summary>
/// The default <see cref="IEndpointResolver"/>: the endpoint comes from the
/// token's own service catalog (<see cref="ServiceCatalog.GetEndpoint"/>), synchronously.
/// </summary>
public sealed class CatalogEndpointResolver : IEndpointResolver
{
    private CatalogEndpointResolver()
    {
    }

    /// <summary>The one instance; it holds no state.</summary>
    public static CatalogEndpointResolver Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask<string> ResolveAsync(EndpointFilter filter, AccessInfo access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(access);
        return new ValueTask<string>(access.Catalog.GetEndpoint(filter));
    }
}
