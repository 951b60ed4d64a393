using Keystone.Auth.Diagnostics;
using Keystone.Auth.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth;

/// <summary>
/// A <see cref="DelegatingHandler"/> that gives any <see cref="HttpClient"/> (typed
/// clients of <c>IHttpClientFactory</c> included) what <see cref="KeystoneSession"/>
/// does: the token, catalog resolution, and one re-authenticated resend on 401 —
/// through the same code. It always returns responses; it never throws for a status.
/// </summary>
/// <remarks>
/// <see cref="HttpClient"/> refuses relative URLs without a base address. Set
/// <see cref="HttpClient.BaseAddress"/> to <see cref="CatalogBaseAddress"/> (the DI
/// extension does this) and relative requests are resolved against the catalog
/// with the handler's <see cref="EndpointFilter"/> (or the one set per request in
/// <see cref="KeystoneRequestOptions.EndpointFilter"/>). Any other absolute URL is
/// sent as is.
/// <para>
/// Redirects are followed by this handler (same origin only, see
/// <see cref="KeystoneSessionOptions.MaxRedirects"/>), never below it: on first use
/// it turns off <c>AllowAutoRedirect</c> of a <see cref="SocketsHttpHandler"/> or
/// <see cref="HttpClientHandler"/> at the bottom of its chain, when that handler has
/// not sent anything yet.
/// </para>
/// </remarks>
public sealed class KeystoneAuthHandler : DelegatingHandler
{
    private readonly AuthenticatedSender _sender;
    private readonly EndpointFilter? _filter;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _next;
    private volatile bool _innerChecked;

    /// <summary>Creates the handler.</summary>
    /// <param name="auth">Where tokens come from.</param>
    /// <param name="endpointFilter">The catalog endpoint relative requests go to, if any.</param>
    /// <param name="options">Token-rejection, retry and header settings; copied.</param>
    /// <param name="logger">Optional logger.</param>
    /// <param name="timeProvider">The clock for retry delays.</param>
    public KeystoneAuthHandler(IAuthPlugin auth, EndpointFilter? endpointFilter = null, KeystoneSessionOptions? options = null, ILogger<KeystoneAuthHandler>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(auth);
        var snapshot = (options ?? new KeystoneSessionOptions()).Clone();
        var failures = snapshot.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(KeystoneSessionOptions), failures);
        }

        _sender = new AuthenticatedSender(auth, snapshot, (ILogger?)logger ?? NullLogger.Instance, timeProvider ?? TimeProvider.System);
        _filter = endpointFilter;
        _next = base.SendAsync;
    }

    /// <summary>
    /// The placeholder base address meaning "resolve against the catalog":
    /// <c>http://keystone-catalog.invalid/</c> (<c>.invalid</c> never resolves).
    /// </summary>
    public static Uri CatalogBaseAddress { get; } = new("http://keystone-catalog.invalid/");

    /// <summary>Counts this handler's retries on <paramref name="metrics"/> (the DI container's meter).</summary>
    internal KeystoneAuthHandler UseMetrics(TokenMetrics metrics)
    {
        _sender.Metrics = metrics;
        return this;
    }

    /// <summary>The default endpoint filter of this handler.</summary>
    public EndpointFilter? EndpointFilter => _filter;

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A URL on CatalogBaseAddress is left as it is: the sender resolves it
        // against the catalog like a relative one (see TryGetCatalogPath), which
        // costs no Uri or string of its own here. Options are peeked, not read:
        // the public getter would create them for nearly every request.
        var filter = RequestOptionsPeek.TryGet(request, KeystoneRequestOptions.EndpointFilter, out var perRequest) ? perRequest : _filter;
        if (!_innerChecked)
        {
            // InnerHandler is set after construction, so this is the first moment to see it.
            Redirects.TryDisableAutoRedirect(InnerHandler);
            _innerChecked = true;
        }

        return _sender.SendAsync(request, filter, null, _next, null, cancellationToken).AsTask();
    }

    /// <summary>
    /// True when <paramref name="uri"/> is on <see cref="CatalogBaseAddress"/>;
    /// <paramref name="pathAndQuery"/> is then its path and query, to be joined
    /// to the catalog endpoint. The usual URL (what HttpClient makes of a relative
    /// one and the base address) is read from its text with no allocation; any
    /// form Uri would normalize (dot segments, escapes, a fragment, a port) takes
    /// the Uri's own <see cref="Uri.PathAndQuery"/>, so both give the same result.
    /// </summary>
    internal static bool TryGetCatalogPath(Uri uri, out ReadOnlySpan<char> pathAndQuery)
    {
        const string Prefix = "http://keystone-catalog.invalid/";
        const string Host = "keystone-catalog.invalid";
        pathAndQuery = default;
        if (!uri.IsAbsoluteUri)
        {
            return false;
        }

        var text = uri.OriginalString;
        // HttpClient joins to the base address as written, so the ordinal test
        // (several times cheaper than the case-blind one) nearly always decides.
        if (text.StartsWith(Prefix, StringComparison.Ordinal) || text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = text.AsSpan(Prefix.Length - 1);
            if (IsPlainPath(rest))
            {
                pathAndQuery = rest;
                return true;
            }
        }
        else if (!text.Contains(Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!string.Equals(uri.Host, Host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        pathAndQuery = uri.PathAndQuery;
        return true;
    }

    /// <summary>Printable ASCII with nothing Uri would rewrite: no escape, fragment, backslash or dot segment.</summary>
    private static bool IsPlainPath(ReadOnlySpan<char> path)
    {
        // One vectorized pass: a dot is the only character outside the set that
        // may still be plain (a file name, "v2.1"), so only dots make it look back.
        var at = 0;
        while (path[at..].IndexOfAnyExcept(s_plain) is var found && found >= 0)
        {
            at += found;
            if (path[at] != '.' || at == 0 || path[at - 1] == '/')
            {
                return false;
            }

            at++;
        }

        return true;
    }

    // Printable ASCII but for what Uri would escape, cut or turn around, and the dot.
    private static readonly System.Buffers.SearchValues<char> s_plain = System.Buffers.SearchValues.Create(
        "!\"$&'()*+,-/0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");
}
