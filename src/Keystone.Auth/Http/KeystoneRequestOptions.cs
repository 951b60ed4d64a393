namespace Keystone.Auth;

/// <summary>
/// Per-request settings carried in <see cref="HttpRequestMessage.Options"/>, for
/// requests that go through <see cref="KeystoneAuthHandler"/> (and, for
/// <see cref="RequestId"/>, <see cref="KeystoneSession.SendAsync"/> too).
/// </summary>
public static class KeystoneRequestOptions
{
    /// <summary>The endpoint filter for this request, overriding the handler's default.</summary>
    public static HttpRequestOptionsKey<EndpointFilter> EndpointFilter { get; } = new("Keystone.Auth.EndpointFilter");

    /// <summary>
    /// The <c>X-OpenStack-Request-ID</c> sent with this request (through the
    /// handler or the session): <c>req-</c> and a lower-case uuid, the form
    /// OpenStack services accept as a global request id. Without it the id is made
    /// from <c>Activity.Current</c>'s trace id; without either none is sent.
    /// </summary>
    public static HttpRequestOptionsKey<string> RequestId { get; } = new("Keystone.Auth.RequestId");
}
