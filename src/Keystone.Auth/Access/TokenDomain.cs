namespace Keystone.Auth;

/// <summary>The domain a token is scoped to.</summary>
/// <param name="Id">The domain id.</param>
/// <param name="Name">The domain name.</param>
public sealed record TokenDomain(string Id, string? Name);
