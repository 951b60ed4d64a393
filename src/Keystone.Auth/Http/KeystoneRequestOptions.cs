namespace Keystone.Auth;

/// <summary>
/// Per-request settings carried in <see cref="HttpRequestMessage.Options"/>, for
/// requests that go through <see cref="KeystoneAuthHandler"/>.
/// </summary>
public static class KeystoneRequestOptions
{
    /// <summary>The endpoint filter for this request, overriding the handler's default.</summary>
    public static HttpRequestOptionsKey<EndpointFilter> EndpointFilter { get; } = new("Keystone.Auth.EndpointFilter");
}
