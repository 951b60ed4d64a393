namespace Keystone.Auth;

/// <summary>The interface (visibility) of a catalog endpoint.</summary>
public enum EndpointInterface
{
    /// <summary><c>public</c> (also written <c>publicURL</c>).</summary>
    Public = 0,

    /// <summary><c>internal</c> (also written <c>internalURL</c>).</summary>
    Internal = 1,

    /// <summary><c>admin</c> (also written <c>adminURL</c>).</summary>
    Admin = 2,
}
