using System.Diagnostics;
using System.Text.Json.Serialization;
using Keystone.Auth.Access;

namespace Keystone.Auth;

/// <summary>
/// What Keystone issued: the token (from <c>X-Subject-Token</c>), its lifetime,
/// the user, the scope (project, domain, system, trust or none), roles, audit
/// ids, methods and the service catalog. Immutable.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> and the debugger display show a fingerprint of the
/// token, never the token. System.Text.Json (reflection or a source-generated
/// context, any options) writes the non-secret facts and the token fingerprint,
/// never the token, and refuses to read an <see cref="AccessInfo"/>: storing a
/// token is the explicit <see cref="Export"/> and <see cref="Import"/>.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
[JsonConverter(typeof(AccessInfoJsonConverter))]
public sealed partial class AccessInfo
{
    private readonly string _token = null!;
    private string? _fingerprint;

    // Set only by Import: this host's now plus the life that remained at export.
    private readonly DateTimeOffset? _importedLocalExpiresAt;

    /// <summary>Creates an empty instance; set <see cref="Token"/> and <see cref="ExpiresAt"/> (required) and what else is known.</summary>
    public AccessInfo()
    {
    }

    internal AccessInfo(DateTimeOffset importedLocalExpiresAt) => _importedLocalExpiresAt = importedLocalExpiresAt;

    /// <summary>
    /// Made by <see cref="Import"/>: a token another holder got, which may have been
    /// refused there before this process could hear of it.
    /// </summary>
    internal bool IsImported => _importedLocalExpiresAt.HasValue;

    /// <summary>
    /// The token to send as <c>X-Auth-Token</c>: visible ASCII only (0x21–0x7E),
    /// at most 8192 chars. Not serialized by System.Text.Json and hidden from the debugger.
    /// </summary>
    /// <exception cref="InvalidResponseException">
    /// Set to a value that is not a valid header value (CR, LF, NUL, space,
    /// non-ASCII, empty or too long): such a value could inject headers or fail
    /// every request, so no <see cref="AccessInfo"/> is ever made with it.
    /// </exception>
    [JsonIgnore]
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public required string Token
    {
        get => _token;
        init => _token = Access.TokenValue.Check(value);
    }

    /// <summary>When Keystone says the token expires (<c>expires_at</c>), in Keystone's clock.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When Keystone issued the token (<c>issued_at</c>), in Keystone's clock, if given.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>
    /// When this process started the request that got the token, in the local
    /// clock. Used with <see cref="IssuedAt"/> to correct for clock skew.
    /// </summary>
    public DateTimeOffset? RequestedAt { get; init; }

    /// <summary>
    /// The expiry in the local clock. When <see cref="IssuedAt"/> and
    /// <see cref="RequestedAt"/> are known this is <c>RequestedAt + (ExpiresAt -
    /// IssuedAt)</c>: the token's lifetime measured from a local instant that is
    /// no later than the issue, so a client clock ahead of or behind Keystone
    /// neither uses the token past its life nor throws it away early. Otherwise
    /// <see cref="ExpiresAt"/>. For an imported token (<see cref="Import"/>): the
    /// import time plus the life that remained at export.
    /// </summary>
    /// <remarks>
    /// Never throws: the value saturates one year inside
    /// <see cref="DateTimeOffset.MinValue"/>..<see cref="DateTimeOffset.MaxValue"/>
    /// (an <c>expires_at</c> in year 9999 means "never" in practice), so that
    /// adding or subtracting margins to it cannot overflow either.
    /// </remarks>
    public DateTimeOffset LocalExpiresAt =>
        _importedLocalExpiresAt
        ?? (IssuedAt is { } issued && RequestedAt is { } requested && ExpiresAt > issued
            ? SafeTime.Add(requested, ExpiresAt.UtcTicks - issued.UtcTicks)
            : SafeTime.Clamp(ExpiresAt));

    /// <summary>The authentication methods, e.g. <c>["password"]</c>.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>The user the token was issued to.</summary>
    public TokenUser? User { get; init; }

    /// <summary>The project scope, if project-scoped.</summary>
    public TokenProject? Project { get; init; }

    /// <summary>The domain scope, if domain-scoped.</summary>
    public TokenDomain? Domain { get; init; }

    /// <summary>The system scope (<c>all</c>), if system-scoped.</summary>
    public string? SystemScope { get; init; }

    /// <summary>The trust id, if the token was issued for a trust.</summary>
    public string? TrustId { get; init; }

    /// <summary>The roles on the scope.</summary>
    public IReadOnlyList<TokenRole> Roles { get; init; } = [];

    /// <summary>The audit ids (the first identifies this token in Keystone's logs).</summary>
    public IReadOnlyList<string> AuditIds { get; init; } = [];

    /// <summary>The service catalog; empty for unscoped or <c>nocatalog</c> tokens.</summary>
    public ServiceCatalog Catalog { get; init; } = ServiceCatalog.Empty;

    /// <summary>True when the token is scoped to a project, domain, system or trust.</summary>
    public bool IsScoped => Project is not null || Domain is not null || SystemScope is not null || TrustId is not null;

    /// <summary>
    /// A short, non-reversible fingerprint of the token (<c>{SHA256}</c> and the
    /// first 16 hex digits of its hash), safe for logs and diagnostics.
    /// </summary>
    public string TokenFingerprint => _fingerprint ??= Diagnostics.Redaction.Fingerprint(Token);

    /// <summary>True when the token expires (local clock) within <paramref name="margin"/> of now.</summary>
    public bool WillExpireWithin(TimeSpan margin, TimeProvider? timeProvider = null) =>
        SafeTime.Add(LocalExpiresAt, -Math.Max(margin.Ticks, -TimeSpan.MaxValue.Ticks)) <= (timeProvider ?? TimeProvider.System).GetUtcNow();

    /// <summary>
    /// Builds an <see cref="AccessInfo"/> from a token response: the value of its
    /// <c>X-Subject-Token</c> header and its JSON body <c>{"token":{...}}</c>.
    /// </summary>
    /// <param name="subjectToken">The <c>X-Subject-Token</c> header value.</param>
    /// <param name="responseBody">The JSON body.</param>
    /// <param name="requestedAt">When the request was sent, in the local clock (enables clock-skew correction).</param>
    /// <exception cref="InvalidResponseException">
    /// The token is not a valid header value (empty, white space, CR/LF, NUL,
    /// non-ASCII, over 8192 chars), or the body is not a usable token response.
    /// </exception>
    public static AccessInfo FromTokenResponse(string subjectToken, string responseBody, DateTimeOffset? requestedAt = null)
    {
        ArgumentNullException.ThrowIfNull(subjectToken);
        ArgumentNullException.ThrowIfNull(responseBody);
        return Access.TokenResponseReader.Parse(subjectToken, System.Text.Encoding.UTF8.GetBytes(responseBody), requestedAt);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var scope = Project is { } p ? $"project {p.Name ?? p.Id}"
            : Domain is { } d ? $"domain {d.Name ?? d.Id}"
            : SystemScope is { } s ? $"system {s}"
            : TrustId is { } t ? $"trust {t}"
            : "unscoped";
        return $"AccessInfo {{ User = {User?.Name ?? User?.Id}, Scope = {scope}, ExpiresAt = {ExpiresAt:O}, Token = {TokenFingerprint} }}";
    }
}
