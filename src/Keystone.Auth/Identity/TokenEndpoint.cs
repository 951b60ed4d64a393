using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Keystone.Auth.Access;
using Keystone.Auth.Diagnostics;
using Keystone.Auth.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth.Identity;

/// <summary>
/// "POST /v3/auth/tokens and parse", once for every method: the token URL,
/// the body (<c>identity</c> from the method, <c>scope</c> from the scope),
/// redirect refusal, the deadline, error mapping, the size bound, telemetry,
/// logging, and wiping the body that carries the secret.
/// </summary>
internal sealed class TokenEndpoint
{
    /// <summary>The header Keystone uses to hand back a multi-factor receipt, and to take it again.</summary>
    internal const string ReceiptHeader = "Openstack-Auth-Receipt";

    private static readonly string s_userAgent = "Keystone.Auth/" + (typeof(TokenEndpoint).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly IIdentityMethod _method;
    private readonly Scope _scope;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly int _maxResponseBytes;

    /// <summary>
    /// Where token requests are counted: the static meter, unless the DI factory
    /// that made the plugin sets its container's (before the plugin is handed out).
    /// </summary>
    internal TokenMetrics Metrics { get; set; } = TokenMetrics.Shared;

    /// <param name="options">A validated private snapshot: endpoint, catalog flag, limits.</param>
    /// <param name="scope">The scope to write, or <see cref="Scope.None"/>.</param>
    /// <param name="method">Writes the identity and names its cache elements.</param>
    /// <param name="methodName">The method's name in the cache identity (e.g. <c>password</c>); distinct per method.</param>
    /// <param name="httpClient">Sends the token request; not disposed here.</param>
    /// <param name="logger">Where the request and its outcome are logged; never a secret.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public TokenEndpoint(KeystoneIdentityOptions options, Scope scope, IIdentityMethod method, string methodName, HttpClient httpClient, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _method = method;
        _scope = scope;
        _http = httpClient;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _timeout = options.RequestTimeout ?? KeystoneIdentityOptions.DefaultRequestTimeout;
        _maxResponseBytes = options.MaxResponseBytes;
        TokenUrl = AuthUrl.TokenUrl(options.AuthUrl, options.IncludeCatalog);
        Description = $"{method.Describe()}, {scope.Describe()}";
        _methodName = methodName;
        _includeCatalog = options.IncludeCatalog;
        CacheId = Identity().Compute(options.StableCacheId);
    }

    private readonly string _methodName;
    private readonly bool _includeCatalog;
    private readonly object _sharedLock = new();
    private byte[]? _sharedKey;
    private string? _sharedName;

    /// <summary>The URL tokens are requested from.</summary>
    public Uri TokenUrl { get; }

    /// <summary>The HMAC fingerprint of everything that decides the token.</summary>
    public string CacheId { get; }

    /// <summary>User and scope, for logs; never a secret.</summary>
    public string Description { get; }

    /// <summary>
    /// The shared-tier entry name and key (see <see cref="ISharedTokenIdentity"/>),
    /// derived on first use and kept: the derivation is slow on purpose, and a
    /// plugin that never meets a shared store never pays it.
    /// </summary>
    public string DeriveSharedTokenKey(Span<byte> key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException($"The shared key is 32 bytes; got a destination of {key.Length}.", nameof(key));
        }

        lock (_sharedLock)
        {
            if (_sharedName is null)
            {
                var derived = new byte[32];
                _sharedName = Identity().DeriveShared(derived);
                _sharedKey = derived;
            }

            _sharedKey!.CopyTo(key);
            return _sharedName;
        }
    }

    /// <summary>Every element that decides the token, for the cache id and the shared-tier material alike.</summary>
    private CacheIdentity Identity()
    {
        var identity = new CacheIdentity(_methodName, TokenUrl);
        _method.AddCacheElements(identity);
        _scope.AddTo(identity);
        identity.Add("catalog", _includeCatalog ? "1" : "0");
        return identity;
    }

    /// <summary>One token request. <paramref name="receipt"/> continues a multi-factor sign-in.</summary>
    public Task<AccessInfo> AuthenticateAsync(string? receipt, CancellationToken cancellationToken) =>
        AuthenticateAsync(_method, receipt, null, cancellationToken);

    /// <summary>
    /// One token request whose <c>identity</c> is written by <paramref name="body"/>
    /// (a method whose values are known only at request time, e.g. a TOTP
    /// passcode). A 401 with an auth receipt is a <see cref="MultiFactorRequiredException"/>;
    /// its receipt goes into <paramref name="receiptBox"/> when given, for one continuation.
    /// </summary>
    public async Task<AccessInfo> AuthenticateAsync(IIdentityMethod body, string? receipt, AuthReceipt.Box? receiptBox, CancellationToken cancellationToken)
    {
        using var activity = KeystoneTelemetry.ActivitySource.StartActivity("Keystone.Auth.TokenRequest", ActivityKind.Client);
        activity?.SetTag("http.request.method", "POST");
        activity?.SetTag("url.full", TokenUrl.AbsoluteUri);

        Log.TokenRequesting(_logger, TokenUrl, Description);
        var started = _time.GetTimestamp();
        var requestedAt = _time.GetUtcNow();
        var buffer = new ArrayBufferWriter<byte>(512);
        try
        {
            WriteBody(buffer, body);
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenUrl);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.TryAddWithoutValidation("User-Agent", s_userAgent);
            RequestIds.Apply(request);
            if (receipt is not null)
            {
                request.Headers.TryAddWithoutValidation(ReceiptHeader, receipt);
            }

            var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;

            AccessInfo access;
            using (var deadline = new TimeoutScope(_timeout, cancellationToken))
            {
                try
                {
                    // Headers first, then the body under our own size limit: a
                    // hostile or runaway answer is never buffered whole.
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                    RequestIds.Record(response, activity);
                    TokenRedirects.ThrowIfRedirected(response, TokenUrl);
                    if (response.StatusCode == HttpStatusCode.Unauthorized && AuthReceipt.HeaderOf(response) is { } issued)
                    {
                        throw await AuthReceipt.ToExceptionAsync(response, issued, TokenUrl, receiptBox, deadline.Token).ConfigureAwait(false);
                    }

                    if (!ErrorResponse.IsSuccess(response.StatusCode))
                    {
                        throw await ErrorResponse.ToExceptionAsync(
                            response, HttpMethod.Post, TokenUrl, _method.IsAuthenticationFailure(response.StatusCode), deadline.Token).ConfigureAwait(false);
                    }

                    access = await TokenResponseReader.ReadAsync(response, TokenUrl, requestedAt, _maxResponseBytes, deadline.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (deadline.Classify(ex, TokenUrl) is { } typed)
                {
                    throw typed;
                }
            }

            if (access.LocalExpiresAt <= _time.GetUtcNow())
            {
                throw new InvalidResponseException($"Keystone issued a token that has already expired (expires_at {access.ExpiresAt:O})", TokenUrl);
            }

            var elapsed = _time.GetElapsedTime(started);
            Metrics.TokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.Outcomes.Success));
            Metrics.TokenRequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", KeystoneTelemetry.Outcomes.Success));
            activity?.SetTag("keystone.outcome", KeystoneTelemetry.Outcomes.Success);
            Log.TokenIssued(_logger, access.TokenFingerprint, Description, access.ExpiresAt, elapsed.TotalMilliseconds);
            return access;
        }
        catch (Exception ex) when (ex is KeystoneException or OperationCanceledException)
        {
            var elapsed = _time.GetElapsedTime(started);
            var outcome = KeystoneTelemetry.OutcomeOf(ex);
            Metrics.TokenRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            Metrics.TokenRequestDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
            activity?.SetTag("keystone.outcome", outcome);
            activity?.SetStatus(ActivityStatusCode.Error, outcome);
            if (ex is not OperationCanceledException)
            {
                Log.TokenRequestFailed(_logger, TokenUrl, Description, outcome, elapsed.TotalMilliseconds, ex);
            }

            throw;
        }
        finally
        {
            // The body holds the secret: zero it rather than leave it to the GC.
            buffer.Clear();
        }
    }

    /// <summary><c>{"auth":{"identity":{"methods":[…],…},"scope":…}}</c>.</summary>
    internal void WriteBody(IBufferWriter<byte> output) => WriteBody(output, _method);

    private void WriteBody(IBufferWriter<byte> output, IIdentityMethod method)
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteStartObject("auth");
        w.WriteStartObject("identity");
        w.WriteStartArray("methods");
        foreach (var name in method.Methods)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        method.WriteMethods(w);
        w.WriteEndObject(); // identity
        _scope.Write(w);
        w.WriteEndObject(); // auth
        w.WriteEndObject();
    }
}
