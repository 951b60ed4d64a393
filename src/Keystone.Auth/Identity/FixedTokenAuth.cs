using System.Diagnostics;

namespace Keystone.Auth;

/// <summary>
/// Uses a token obtained elsewhere, as is (keystoneauth's <c>token_endpoint</c>):
/// for a service that forwards its caller's token. It never talks to Keystone:
/// no catalog (give the session <see cref="FixedTokenAuthOptions.Endpoint"/> as
/// its <see cref="KeystoneSessionOptions.EndpointOverride"/>), no
/// re-authentication, and no caching (<see cref="GetCacheId"/> is null).
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class FixedTokenAuth : IAuthPlugin
{
    private readonly AccessInfo _access;

    /// <summary>Creates the plugin.</summary>
    /// <param name="options">The token and its endpoint.</param>
    /// <exception cref="InvalidOptionsException">The token is missing or not a valid header value, or the endpoint is not an absolute http(s) URL.</exception>
    public FixedTokenAuth(FixedTokenAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } failures)
        {
            throw new InvalidOptionsException(nameof(FixedTokenAuthOptions), failures);
        }

        Endpoint = Identity.AuthUrl.Normalize(options.Endpoint)!;
        _access = new AccessInfo
        {
            Token = options.Token!,
            ExpiresAt = options.ExpiresAt ?? DateTimeOffset.MaxValue,
        };
    }

    /// <summary>The service endpoint the token is for (trimmed).</summary>
    public string Endpoint { get; }

    /// <summary>The fixed token, without catalog, user or scope (they are not known here).</summary>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(_access);
    }

    /// <summary>Returns false: there is no other token to get, so a 401 is final.</summary>
    public bool Invalidate(AccessInfo access) => false;

    /// <summary>Null: a forwarded token belongs to its caller and is never cached.</summary>
    public string? GetCacheId() => null;

    /// <inheritdoc />
    public override string ToString() => $"FixedTokenAuth {{ endpoint {Endpoint}, token {_access.TokenFingerprint} }}";
}
