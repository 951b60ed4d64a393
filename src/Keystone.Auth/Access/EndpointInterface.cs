namespace Keystone.Auth;

/// <summary>The interface (visibility) of a catalog endpoint.</summary>
public enum EndpointInterface
{
    /// <summary><c>public</c> (configuration may write <c>publicURL</c>).</summary>
    Public = 0,

    /// <summary><c>internal</c> (configuration may write <c>internalURL</c>).</summary>
    Internal = 1,

    /// <summary><c>admin</c> (configuration may write <c>adminURL</c>).</summary>
    Admin = 2,
}
