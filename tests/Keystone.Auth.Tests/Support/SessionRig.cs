using Keystone.Auth.Caching;

namespace Keystone.Auth.Tests;

/// <summary>How a test reaches the shared send core: the session, or the handler under an HttpClient.</summary>
public enum Via
{
    Session,
    Handler,
}

/// <summary>
/// A session or an HttpClient over <see cref="KeystoneAuthHandler"/>, both over
/// one <see cref="FakeCloud"/> that also answers the token POSTs, so every POST
/// and resend is seen at the HTTP layer.
/// </summary>
internal sealed class SessionRig : IDisposable
{
    private readonly HttpClient _authHttp;
    private readonly HttpClient? _sessionHttp;
    private readonly HttpClient? _handlerClient;
    private readonly KeystoneSession? _session;

    /// <param name="services">
    /// Where service calls go instead of <see cref="Cloud"/> (e.g. real sockets);
    /// owned by the rig. Token POSTs still go to <see cref="Cloud"/>.
    /// </param>
    public SessionRig(Via via, KeystoneSessionOptions? options = null, bool caching = false, PasswordAuthOptions? authOptions = null, EndpointFilter? handlerFilter = null, HttpMessageHandler? services = null)
    {
        _authHttp = new HttpClient(Cloud, disposeHandler: false);
        IAuthPlugin auth = new PasswordAuth(authOptions ?? Fixtures.Options(), _authHttp);
        if (caching)
        {
            auth = new CachingPasswordAuth(auth, new TokenCache());
        }

        if (via == Via.Session)
        {
            _sessionHttp = services is null ? new HttpClient(Cloud, disposeHandler: false) : new HttpClient(services);
            _session = new KeystoneSession(auth, _sessionHttp, options);
        }
        else
        {
            var handler = new KeystoneAuthHandler(auth, handlerFilter, options) { InnerHandler = services ?? Cloud };
            _handlerClient = new HttpClient(handler) { BaseAddress = KeystoneAuthHandler.CatalogBaseAddress };
        }
    }

    public FakeCloud Cloud { get; } = new();

    public KeystoneSession Session => _session ?? throw new InvalidOperationException("not a session rig");

    /// <summary>Sends through the session (with the filter) or the handler (filter in the request options).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, EndpointFilter? filter, CancellationToken cancellationToken = default)
    {
        if (_session is not null)
        {
            return _session.SendAsync(request, filter, cancellationToken);
        }

        if (filter is not null)
        {
            request.Options.Set(KeystoneRequestOptions.EndpointFilter, filter);
        }

        return _handlerClient!.SendAsync(request, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string path, EndpointFilter? filter = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.RelativeOrAbsolute)), filter ?? Fixtures.Platform);

    public void Dispose()
    {
        _session?.Dispose();
        _sessionHttp?.Dispose();
        _handlerClient?.Dispose();
        _authHttp.Dispose();
        Cloud.Dispose();
    }
}
