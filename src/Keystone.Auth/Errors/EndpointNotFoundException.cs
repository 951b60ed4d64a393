namespace Keystone.Auth;

/// <summary>
/// The service catalog has no endpoint matching an <see cref="EndpointFilter"/>,
/// or the token carries no catalog at all (<see cref="CatalogIsEmpty"/>); or an
/// <see cref="EndpointMap"/> has none for it, even after a refresh (or a refresh
/// was not allowed yet, see <see cref="EndpointMapOptions.MinRefreshInterval"/>).
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

    /// <summary>Creates the exception with its own explanation (an <see cref="IEndpointResolver"/> other than the catalog).</summary>
    public EndpointNotFoundException(EndpointFilter filter, string message)
        : base(message)
    {
        Filter = filter;
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
