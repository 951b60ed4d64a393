namespace Keystone.Auth.Testing;

/// <summary>
/// Builds the answer Keystone gives to <c>POST /v3/auth/tokens</c>: the JSON
/// body and the token id that goes in <c>X-Subject-Token</c>, in every shape
/// keystoneauth's <c>fixture.V3Token</c> offers: project, domain, system, trust
/// or no scope; roles; a catalog of services, endpoints and regions; an
/// application credential; a federated user; audit ids.
/// </summary>
/// <remarks>
/// Immutable: every method returns a new builder and leaves this one as it
/// was, so a base builder can be shared and refined per test. Ids that are not
/// given are random, as Keystone's are. Times come from the
/// <see cref="TimeProvider"/> when <see cref="Build"/> is called, so a test on
/// a fake clock gets a token issued "now" on that clock.
/// </remarks>
public sealed partial class KeystoneTokenBuilder
{
    private readonly TokenShape _shape;

    /// <summary>
    /// A project-scoped password token for user <c>demo</c> in project
    /// <c>demo</c> (both in domain <c>default</c>), one role <c>member</c>, an
    /// empty catalog, issued now and living one hour.
    /// </summary>
    /// <param name="timeProvider">The clock for <c>issued_at</c>/<c>expires_at</c>; the system clock when null.</param>
    public KeystoneTokenBuilder(TimeProvider? timeProvider = null)
        : this(new TokenShape
        {
            Time = timeProvider ?? TimeProvider.System,
            User = new UserShape(NewId(), "demo", DefaultDomain),
            Project = new ProjectShape(NewId(), "demo", DefaultDomain),
            Roles = [new NamedShape(NewId(), "member")],
        })
    {
    }

    private KeystoneTokenBuilder(TokenShape shape) => _shape = shape;

    private static NamedShape DefaultDomain => new("default", "Default");

    internal TokenShape Shape => _shape;

    /// <summary>The token id to issue (<c>X-Subject-Token</c>); by default a new random one per <see cref="Build"/>.</summary>
    /// <param name="tokenId">Visible ASCII, as a header value must be.</param>
    public KeystoneTokenBuilder WithTokenId(string tokenId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenId);
        return new(_shape with { TokenId = tokenId });
    }

    /// <summary>How long the token lives from <c>issued_at</c> (default one hour).</summary>
    public KeystoneTokenBuilder WithLifetime(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        return new(_shape with { Lifetime = lifetime, ExpiresAt = null });
    }

    /// <summary>Fixed <c>issued_at</c> and <c>expires_at</c>, in Keystone's clock, instead of now and now + lifetime.</summary>
    public KeystoneTokenBuilder WithTimes(DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        if (expiresAt <= issuedAt)
        {
            throw new ArgumentException("expiresAt must be later than issuedAt.", nameof(expiresAt));
        }

        return new(_shape with { IssuedAt = issuedAt, ExpiresAt = expiresAt });
    }

    /// <summary>
    /// The authentication methods (<c>methods</c>). By default
    /// <c>application_credential</c> with an application credential, the
    /// protocol for a federated user, else <c>password</c>.
    /// </summary>
    public KeystoneTokenBuilder WithMethods(params string[] methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        return new(_shape with { Methods = [.. methods] });
    }

    /// <summary>The user the token is issued to.</summary>
    public KeystoneTokenBuilder WithUser(string id, string? name = null, string domainId = "default", string? domainName = "Default")
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(domainId);
        return new(_shape with { User = new UserShape(id, name, new NamedShape(domainId, domainName)) });
    }

    /// <summary>Scoped to a project (clears any other scope).</summary>
    public KeystoneTokenBuilder ForProject(string id, string? name = null, string domainId = "default", string? domainName = "Default")
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(domainId);
        return new(Unscope() with { Project = new ProjectShape(id, name, new NamedShape(domainId, domainName)) });
    }

    /// <summary>Scoped to a domain (clears any other scope).</summary>
    public KeystoneTokenBuilder ForDomain(string id, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return new(Unscope() with { Domain = new NamedShape(id, name) });
    }

    /// <summary>System-scoped (<c>"system": {"all": true}</c>; clears any other scope).</summary>
    public KeystoneTokenBuilder ForSystem(string system = "all")
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        return new(Unscope() with { System = system });
    }

    /// <summary>
    /// Issued for a trust (<c>OS-TRUST:trust</c>). Keeps a project scope set
    /// before (a trust token carries its trust's project), clears the others.
    /// </summary>
    public KeystoneTokenBuilder ForTrust(string trustId, string trusteeUserId, string trustorUserId, bool impersonation = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(trustId);
        ArgumentException.ThrowIfNullOrEmpty(trusteeUserId);
        ArgumentException.ThrowIfNullOrEmpty(trustorUserId);
        return new(Unscope() with { Project = _shape.Project, Trust = new TrustShape(trustId, trusteeUserId, trustorUserId, impersonation) });
    }

    /// <summary>No scope: no project, domain, system or trust, no roles and no catalog, as Keystone issues it.</summary>
    public KeystoneTokenBuilder Unscoped() => new(Unscope() with { Roles = [], Services = [] });

    /// <summary>Adds a role on the scope.</summary>
    public KeystoneTokenBuilder WithRole(string name, string? id = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(_shape with { Roles = [.. _shape.Roles, new NamedShape(id ?? NewId(), name)] });
    }

    /// <summary>Removes every role (then add the ones a test needs).</summary>
    public KeystoneTokenBuilder WithoutRoles() => new(_shape with { Roles = [] });

    /// <summary>Issued through an application credential (<c>application_credential</c>; methods default to <c>application_credential</c>).</summary>
    public KeystoneTokenBuilder WithApplicationCredential(string id, string? name = null, bool restricted = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return new(_shape with { ApplicationCredential = new ApplicationCredentialShape(id, name, restricted) });
    }

    /// <summary>
    /// A federated user: <c>user.OS-FEDERATION</c> with the identity provider,
    /// protocol and groups (methods default to the protocol).
    /// </summary>
    public KeystoneTokenBuilder Federated(string identityProviderId, string protocolId, params string[] groupIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityProviderId);
        ArgumentException.ThrowIfNullOrEmpty(protocolId);
        ArgumentNullException.ThrowIfNull(groupIds);
        return new(_shape with { Federation = new FederationShape(identityProviderId, protocolId, [.. groupIds]) });
    }

    /// <summary>The audit ids: this token's, then (for a rescoped token) the chain's first. By default one random id.</summary>
    public KeystoneTokenBuilder WithAuditIds(string auditId, string? auditChainId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditId);
        return new(_shape with { AuditIds = auditChainId is null ? [auditId] : [auditId, auditChainId] });
    }

    /// <summary>
    /// Builds the response: a new token id (unless one was given), times from
    /// the clock now, the JSON body.
    /// </summary>
    public KeystoneTokenResponse Build()
    {
        var issued = _shape.IssuedAt ?? _shape.Time.GetUtcNow();
        var expires = _shape.ExpiresAt ?? issued + _shape.Lifetime;
        var tokenId = _shape.TokenId ?? TokenIds.New();
        var auditIds = _shape.AuditIds ?? [TokenIds.NewAuditId()];
        return new KeystoneTokenResponse(tokenId, TokenBodyWriter.Write(_shape, issued, expires, auditIds), issued, expires);
    }

    private TokenShape Unscope() => _shape with { Project = null, Domain = null, System = null, Trust = null };

    internal static string NewId() => Guid.NewGuid().ToString("N");
}
