using System.Collections.Concurrent;
using System.Net;

namespace Keystone.Auth.Testing;

/// <summary>
/// A fake Keystone and a fake service behind it, as an <see cref="HttpMessageHandler"/>
/// for unit tests: answers token POSTs with tokens of
/// <see cref="TokenTemplate"/>'s shape and counts them; serves requests under
/// <see cref="FakeKeystoneOptions.ServiceUrl"/> only for a token it issued and
/// has not "forgotten" (<see cref="RotateKeys"/>, <see cref="Revoke"/>, expiry);
/// and plays scripted trouble: a 401 once, N failures (a status or a refused
/// connection), delays on its clock.
/// </summary>
/// <remarks>
/// Thread-safe: scripted behaviour is consumed once per request however many
/// callers race. Counts are of requests received, whatever the answer.
/// </remarks>
public sealed partial class FakeKeystoneHandler : HttpMessageHandler
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _liveTokens = new(StringComparer.Ordinal);
    private readonly Queue<Failure> _tokenFailures = new();
    private readonly Queue<Failure> _serviceFailures = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly FakeKeystoneOptions _options;
    private KeystoneTokenBuilder _template;
    private KeystoneTokenResponse? _lastIssued;
    private int _tokenRequests;
    private int _tokensIssued;
    private int _serviceRequests;
    private int _rejectedServiceRequests;
    private int _pendingRejections;
    private long _tokenDelayTicks;
    private long _serviceDelayTicks;

    /// <summary>A fake with the given options (or the defaults).</summary>
    public FakeKeystoneHandler(FakeKeystoneOptions? options = null)
    {
        _options = options ?? new FakeKeystoneOptions();
        ArgumentNullException.ThrowIfNull(_options.AuthUrl, "options.AuthUrl");
        ArgumentNullException.ThrowIfNull(_options.ServiceUrl, "options.ServiceUrl");
        ArgumentException.ThrowIfNullOrEmpty(_options.ServiceType, "options.ServiceType");
        Time = _options.TimeProvider ?? TimeProvider.System;
        var identity = _options.AuthUrl.ToString().TrimEnd('/');
        var service = _options.ServiceUrl.ToString().TrimEnd('/');
        _template = new KeystoneTokenBuilder(Time)
            .WithStandardEndpoints("identity", identity, identity, identity, _options.Region, "keystone")
            .WithStandardEndpoints(_options.ServiceType, service, service, service, _options.Region);
    }

    /// <summary>The identity URL to give <c>AuthUrl</c> (<c>…/v3</c>).</summary>
    public string AuthUrl => _options.AuthUrl.ToString().TrimEnd('/');

    /// <summary>The fake service's URL (also in the default catalog under <see cref="FakeKeystoneOptions.ServiceType"/>).</summary>
    public Uri ServiceUrl => _options.ServiceUrl;

    /// <summary>
    /// What each token POST issues (a fresh token id each time). By default a
    /// project-scoped token with a catalog holding <c>identity</c> and the fake
    /// service. Unless the template sets methods, the token's methods are the
    /// request's; <c>?nocatalog</c> leaves the catalog out.
    /// </summary>
    public KeystoneTokenBuilder TokenTemplate
    {
        get { lock (_gate) { return _template; } }
        set { ArgumentNullException.ThrowIfNull(value); lock (_gate) { _template = value; } }
    }

    /// <summary>Token POSTs received (answered or failed).</summary>
    public int TokenRequestCount => Volatile.Read(ref _tokenRequests);

    /// <summary>Tokens issued (201 answers).</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Requests to the fake service received (answered or failed).</summary>
    public int ServiceRequestCount => Volatile.Read(ref _serviceRequests);

    /// <summary>Service requests answered 401 (unknown, rotated, revoked or expired token, or a scripted 401).</summary>
    public int RejectedServiceRequestCount => Volatile.Read(ref _rejectedServiceRequests);

    /// <summary>Every request received, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The last token issued, or null.</summary>
    public KeystoneTokenResponse? LastIssuedToken
    {
        get { lock (_gate) { return _lastIssued; } }
    }

    /// <summary>How long a token POST waits (on the fake's clock) before it is answered or fails. Zero by default.</summary>
    public TimeSpan TokenResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _tokenDelayTicks));
        set => Interlocked.Exchange(ref _tokenDelayTicks, NotNegative(value).Ticks);
    }

    /// <summary>How long a service request waits (on the fake's clock) before it is answered or fails. Zero by default.</summary>
    public TimeSpan ServiceResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _serviceDelayTicks));
        set => Interlocked.Exchange(ref _serviceDelayTicks, NotNegative(value).Ticks);
    }

    /// <summary>
    /// What the service answers a request with a live token; by default 200
    /// with <c>{"ok": true}</c>. Called for each such request.
    /// </summary>
    public Func<HttpRequestMessage, HttpResponseMessage>? ServiceResponder { get; set; }

    private TimeProvider Time { get; }

    /// <summary>
    /// Every token issued so far is rejected from now on (a fernet key
    /// replacement, or a restore): the service answers 401 to each, and the
    /// next token POST issues one that works.
    /// </summary>
    public void RotateKeys()
    {
        lock (_gate)
        {
            _liveTokens.Clear();
        }
    }

    /// <summary>Rejects one token from now on (a revocation). Returns false if it was not live.</summary>
    public bool Revoke(string tokenId)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        lock (_gate)
        {
            return _liveTokens.Remove(tokenId);
        }
    }

    /// <summary>The next <paramref name="count"/> service requests get 401 whatever their token (a token dying early, once per count).</summary>
    public void RejectNextServiceRequests(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Interlocked.Add(ref _pendingRejections, count);
    }

    /// <summary>The next <paramref name="count"/> token POSTs are answered with <paramref name="status"/> (503 by default) and a Keystone error body.</summary>
    public void FailNextTokenRequests(int count, HttpStatusCode status = HttpStatusCode.ServiceUnavailable) =>
        Enqueue(_tokenFailures, count, new Failure(status));

    /// <summary>The next <paramref name="count"/> token POSTs fail as a refused connection (an <see cref="HttpRequestException"/> with <see cref="HttpRequestError.ConnectionError"/>).</summary>
    public void RefuseNextTokenConnections(int count) => Enqueue(_tokenFailures, count, Failure.Connect);

    /// <summary>The next <paramref name="count"/> service requests are answered with <paramref name="status"/> (503 by default).</summary>
    public void FailNextServiceRequests(int count, HttpStatusCode status = HttpStatusCode.ServiceUnavailable) =>
        Enqueue(_serviceFailures, count, new Failure(status));

    /// <summary>The next <paramref name="count"/> service requests fail as a refused connection.</summary>
    public void RefuseNextServiceConnections(int count) => Enqueue(_serviceFailures, count, Failure.Connect);

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no RequestUri (a relative URL needs HttpClient.BaseAddress).");
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var authToken = request.Headers.TryGetValues("X-Auth-Token", out var values) ? values.FirstOrDefault() : null;

        if (request.Method == HttpMethod.Post && IsTokenUrl(uri))
        {
            var methods = TokenRequestReader.Methods(body);
            _requests.Enqueue(new RecordedRequest(FakeKeystoneRequestKind.Token, request.Method, uri, body, authToken, methods));
            return await IssueAsync(uri, body, methods, cancellationToken).ConfigureAwait(false);
        }

        if (IsServiceUrl(uri))
        {
            _requests.Enqueue(new RecordedRequest(FakeKeystoneRequestKind.Service, request.Method, uri, body, authToken, []));
            return await ServeAsync(request, authToken, cancellationToken).ConfigureAwait(false);
        }

        _requests.Enqueue(new RecordedRequest(FakeKeystoneRequestKind.Other, request.Method, uri, body, authToken, []));
        return KeystoneError(HttpStatusCode.NotFound, "Not Found", "The resource could not be found.", request);
    }

    private static TimeSpan NotNegative(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return value;
    }

    private void Enqueue(Queue<Failure> queue, int count, Failure failure)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                queue.Enqueue(failure);
            }
        }
    }

    private Failure? TakeFailure(Queue<Failure> queue)
    {
        lock (_gate)
        {
            return queue.TryDequeue(out var f) ? f : null;
        }
    }

    private async Task DelayAsync(long ticks, CancellationToken cancellationToken)
    {
        if (ticks > 0)
        {
            await Task.Delay(TimeSpan.FromTicks(ticks), Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool IsTokenUrl(Uri uri) =>
        SameOrigin(uri, _options.AuthUrl)
        && string.Equals(uri.AbsolutePath.TrimEnd('/'), _options.AuthUrl.AbsolutePath.TrimEnd('/') + "/auth/tokens", StringComparison.Ordinal);

    private bool IsServiceUrl(Uri uri)
    {
        var root = _options.ServiceUrl.AbsolutePath.TrimEnd('/');
        return SameOrigin(uri, _options.ServiceUrl)
            && (uri.AbsolutePath.TrimEnd('/') == root || uri.AbsolutePath.StartsWith(root + "/", StringComparison.Ordinal));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private sealed record Failure(HttpStatusCode Status)
    {
        public static readonly Failure Connect = new((HttpStatusCode)0);

        public bool IsConnect => Status == 0;
    }
}
