namespace Keystone.Auth;

/// <summary>The project a token is scoped to.</summary>
/// <param name="Id">The project id.</param>
/// <param name="Name">The project name.</param>
/// <param name="DomainId">The id of the project's domain.</param>
/// <param name="DomainName">The name of the project's domain.</param>
public sealed record TokenProject(string Id, string? Name, string? DomainId, string? DomainName);
