namespace Keystone.Auth;

/// <summary>A role the token carries on its scope.</summary>
/// <param name="Id">The role id.</param>
/// <param name="Name">The role name.</param>
public sealed record TokenRole(string Id, string Name);
