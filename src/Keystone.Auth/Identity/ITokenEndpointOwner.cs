namespace Keystone.Auth.Identity;

/// <summary>
/// A plugin that asks Keystone for tokens through a <see cref="TokenEndpoint"/>.
/// Lets the DI factory hand the endpoint the container's meters after
/// constructing the plugin, without a public constructor parameter on every plugin.
/// </summary>
internal interface ITokenEndpointOwner
{
    TokenEndpoint Endpoint { get; }
}
