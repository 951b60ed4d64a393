namespace Keystone.Auth.Testing;

// The facts a builder holds. A record with arrays that are never mutated after
// construction, so every builder method copies what it changes and a builder
// shared by several tests (or a base builder refined per test) never changes
// under them.
internal sealed record TokenShape
{
    public required TimeProvider Time { get; init; }
    public string? TokenId { get; init; }
    public DateTimeOffset? IssuedAt { get; init; }
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);
    public DateTimeOffset? ExpiresAt { get; init; }
    public string[]? Methods { get; init; }
    public required UserShape User { get; init; }
    public ProjectShape? Project { get; init; }
    public NamedShape? Domain { get; init; }
    public string? System { get; init; }
    public TrustShape? Trust { get; init; }
    public NamedShape[] Roles { get; init; } = [];
    public ServiceShape[] Services { get; init; } = [];
    public bool IncludeCatalog { get; init; } = true;
    public ApplicationCredentialShape? ApplicationCredential { get; init; }
    public FederationShape? Federation { get; init; }
    public string[]? AuditIds { get; init; }
}

internal sealed record NamedShape(string Id, string? Name);

internal sealed record UserShape(string Id, string? Name, NamedShape Domain);

internal sealed record ProjectShape(string Id, string? Name, NamedShape Domain);

internal sealed record TrustShape(string Id, string TrusteeUserId, string TrustorUserId, bool Impersonation);

internal sealed record EndpointShape(string Id, string Interface, string Url, string? Region);

internal sealed record ServiceShape(string Id, string Type, string? Name, EndpointShape[] Endpoints);

internal sealed record ApplicationCredentialShape(string Id, string? Name, bool Restricted);

internal sealed record FederationShape(string IdentityProviderId, string ProtocolId, string[] GroupIds);
