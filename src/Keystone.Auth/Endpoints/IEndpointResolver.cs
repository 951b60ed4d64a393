namespace Keystone.Auth;

/// <summary>
/// Turns an <see cref="EndpointFilter"/> (service type, interface, region, name)
/// into the base URL a relative request goes to. <see cref="KeystoneSession"/> and
/// <see cref="KeystoneAuthHandler"/> ask one per request
/// (<see cref="KeystoneSessionOptions.EndpointResolver"/>); the default reads the
/// token's catalog (<see cref="CatalogEndpointResolver"/>), and an
/// <see cref="EndpointMap"/> reads Keystone's endpoint list instead.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe. One called on every request should
/// complete synchronously when it can (a cached answer), so that the hot path
/// allocates nothing.
/// </remarks>
public interface IEndpointResolver
{
    /// <summary>The base URL for <paramref name="filter"/>.</summary>
    /// <param name="filter">What the request asked for.</param>
    /// <param name="access">The token the request will carry; its catalog is one possible source.</param>
    /// <param name="cancellationToken">Cancels an asynchronous lookup.</param>
    /// <exception cref="EndpointNotFoundException">Nothing matches.</exception>
    ValueTask<string> ResolveAsync(EndpointFilter filter, AccessInfo access, CancellationToken cancellationToken);
}
