namespace Keystone.Auth;

/// <summary>
/// The service catalog has no endpoint matching an <see cref="EndpointFilter"/>,
/// or the token carries no catalog at all (<see cref="CatalogIsEmpty"/>).
/// </summary>
public sealed class EndpointNotFoundException : KeystoneException
{
    /// <summary>Creates the exception for a filter that matched nothing.</summary>
    public EndpointNotFoundException(EndpointFilter filter, bool catalogIsEmpty)
        : base(BuildMessage(filter, catalogIsEmpty))
    {
        Filter = filter;
        CatalogIsEmpty = catalogIsEmpty;
    }

    /// <summary>The filter that matched nothing.</summary>
    public EndpointFilter Filter { get; }

    /// <summary>
    /// True when the token has no catalog (unscoped, or requested with
    /// <c>IncludeCatalog = false</c>), so no filter could match.
    /// </summary>
    public bool CatalogIsEmpty { get; }

    private static string BuildMessage(EndpointFilter filter, bool empty)
    {
        var what = filter.Describe();
        return empty
            ? $"The service catalog is empty (unscoped token, or a token requested without a catalog); no endpoint for {what}."
            : $"No endpoint found in the service catalog for {what}.";
    }
}
