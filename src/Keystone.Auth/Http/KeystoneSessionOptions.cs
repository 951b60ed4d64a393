using System.Net;

namespace Keystone.Auth;

/// <summary>
/// How a <see cref="KeystoneSession"/> or <see cref="KeystoneAuthHandler"/> sends
/// authenticated requests: endpoint override, extra headers, which statuses mean
/// "token rejected" (and whether to re-authenticate and resend once), error
/// raising, timeout, and optional transient retries.
/// </summary>
public sealed class KeystoneSessionOptions
{
    /// <summary>
    /// Base URL used instead of the catalog for relative requests; may contain
    /// <c>%(project_id)s</c> and <c>%(user_id)s</c>, filled from the token. Lets
    /// callers bypass a stale catalog (e.g. after endpoints moved from http to https).
    /// </summary>
    public string? EndpointOverride { get; set; }

    /// <summary>
    /// Where a relative request's <see cref="EndpointFilter"/> is looked up (default
    /// null: the token's catalog, <see cref="CatalogEndpointResolver"/>). An
    /// <see cref="EndpointMap"/> here sends requests to the endpoints Keystone lists
    /// for the filter's region. <see cref="EndpointOverride"/> wins over it. Shared, not copied.
    /// </summary>
    public IEndpointResolver? EndpointResolver { get; set; }

    /// <summary>Headers added to every request that does not already carry them (distcloud sends <c>User-Header: distcloud</c>).</summary>
    public IDictionary<string, string> DefaultHeaders { get; private set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>User-Agent</c> for requests that have none.</summary>
    public string? UserAgent { get; set; }

    /// <summary>
    /// On a status in <see cref="TokenRejectedStatusCodes"/>: invalidate the token
    /// that was used, get a new one and resend the request once (default true).
    /// Turn off where a 401 may mean "account locked" and must reach the caller.
    /// </summary>
    public bool RetryOnTokenRejected { get; set; } = true;

    /// <summary>The statuses that mean "this token is no longer accepted" (default: 401 only).</summary>
    public ISet<HttpStatusCode> TokenRejectedStatusCodes { get; set; } = new HashSet<HttpStatusCode> { HttpStatusCode.Unauthorized };

    /// <summary>
    /// <see cref="KeystoneSession"/> only: throw <see cref="KeystoneHttpException"/>
    /// for 4xx/5xx answers (default true, like keystoneauth's <c>raise_exc</c>).
    /// False returns the response instead. The handler always returns responses.
    /// </summary>
    public bool RaiseOnError { get; set; } = true;

    /// <summary>
    /// Deadline for one call, including a re-authentication, the resend and any
    /// retries (default none: only the HttpClient's own timeout applies).
    /// </summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Keep a copy of request bodies that cannot be sent twice (e.g. <see cref="StreamContent"/>
    /// over a forward-only stream), taken while they stream out and bounded by
    /// <see cref="MaxBufferedContentBytes"/>, so the request can be resent after a 401
    /// or a 307/308 (default true). When false, such a request is not resent and the
    /// caller gets the original 401.
    /// </summary>
    public bool BufferRequestContent { get; set; } = true;

    /// <summary>
    /// The most bytes of one request body kept for a resend (default 1 MiB). A body
    /// that cannot be sent twice is streamed out at once and a copy of it is kept
    /// only while it stays within this bound; a larger body (or one whose
    /// <c>Content-Length</c> is larger) is streamed without a copy and is not resent:
    /// a 401 on it reaches the caller as is. <see cref="ByteArrayContent"/> (and so
    /// <see cref="StringContent"/>, JSON content) is resent without a copy, whatever its size.
    /// </summary>
    public long MaxBufferedContentBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Redirects (301, 302, 303, 307, 308) followed on one call, by the library
    /// itself and only within the origin of the request, with the token (default 5).
    /// One more is a <see cref="KeystoneRedirectException"/>. 0 follows none: the
    /// 3xx is returned to the caller.
    /// </summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>
    /// Follow a redirect to another origin (scheme, host or port) WITHOUT the token
    /// and without other credentials headers, and never re-authenticate on what that
    /// origin answers (default false: such a redirect is a <see cref="KeystoneRedirectException"/>).
    /// </summary>
    public bool FollowCrossOriginRedirects { get; set; }

    /// <summary>Retries after a failure to connect (refused, DNS, connect timeout); default 0.</summary>
    public int ConnectRetries { get; set; }

    /// <summary>Retries after a status in <see cref="RetriableStatusCodes"/>; default 0.</summary>
    public int StatusCodeRetries { get; set; }

    /// <summary>The statuses retried when <see cref="StatusCodeRetries"/> &gt; 0 (default: 503).</summary>
    public ISet<HttpStatusCode> RetriableStatusCodes { get; set; } = new HashSet<HttpStatusCode> { HttpStatusCode.ServiceUnavailable };

    /// <summary>Status-code retries for non-idempotent methods (POST, PATCH) too (default false: a POST may have taken effect).</summary>
    public bool RetryNonIdempotent { get; set; }

    /// <summary>First retry delay (default 0.5 s); doubles per attempt, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Longest retry delay, also the cap on a server's <c>Retry-After</c> (default 60 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (EndpointOverride is not null && !Uri.TryCreate(EndpointOverride.Replace("%(project_id)s", "p", StringComparison.Ordinal).Replace("%(user_id)s", "u", StringComparison.Ordinal), UriKind.Absolute, out _))
        {
            failures.Add($"EndpointOverride must be an absolute URL, got '{EndpointOverride}'");
        }

        if (TokenRejectedStatusCodes is null)
        {
            failures.Add("TokenRejectedStatusCodes must not be null");
        }

        if (RetriableStatusCodes is null)
        {
            failures.Add("RetriableStatusCodes must not be null");
        }

        if (Timeout is { } t && t <= TimeSpan.Zero && t != System.Threading.Timeout.InfiniteTimeSpan)
        {
            failures.Add("Timeout must be positive or Timeout.InfiniteTimeSpan");
        }

        if (MaxBufferedContentBytes < 0)
        {
            failures.Add("MaxBufferedContentBytes must not be negative");
        }

        if (MaxRedirects < 0)
        {
            failures.Add("MaxRedirects must not be negative");
        }

        if (ConnectRetries < 0)
        {
            failures.Add("ConnectRetries must not be negative");
        }

        if (StatusCodeRetries < 0)
        {
            failures.Add("StatusCodeRetries must not be negative");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            failures.Add("RetryDelay must not be negative");
        }

        if (MaxRetryDelay < RetryDelay)
        {
            failures.Add("MaxRetryDelay must not be less than RetryDelay");
        }

        return failures;
    }

    /// <summary>A deep copy, so that a session is not affected by later changes.</summary>
    internal KeystoneSessionOptions Clone()
    {
        var copy = (KeystoneSessionOptions)MemberwiseClone();

        // A null set stays null so that Validate (run on the copy) reports it,
        // instead of silently turning "retry on 401" into "never retry".
        copy.TokenRejectedStatusCodes = TokenRejectedStatusCodes is null ? null! : new HashSet<HttpStatusCode>(TokenRejectedStatusCodes);
        copy.RetriableStatusCodes = RetriableStatusCodes is null ? null! : new HashSet<HttpStatusCode>(RetriableStatusCodes);
        copy.DefaultHeaders = new Dictionary<string, string>(DefaultHeaders, StringComparer.OrdinalIgnoreCase);
        return copy;
    }
}
