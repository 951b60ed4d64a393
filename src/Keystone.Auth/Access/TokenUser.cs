namespace Keystone.Auth;

/// <summary>The user a token was issued to.</summary>
/// <param name="Id">The user id.</param>
/// <param name="Name">The user name.</param>
/// <param name="DomainId">The id of the user's domain.</param>
/// <param name="DomainName">The name of the user's domain.</param>
public sealed record TokenUser(string Id, string? Name, string? DomainId, string? DomainName);
