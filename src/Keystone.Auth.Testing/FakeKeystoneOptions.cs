namespace Keystone.Auth.Testing;

/// <summary>Where a <see cref="FakeKeystoneHandler"/> answers, and the clock it issues tokens on.</summary>
public sealed class FakeKeystoneOptions
{
    /// <summary>The identity endpoint (<c>…/v3</c>); tokens are <c>POST {AuthUrl}/auth/tokens</c>. Default <c>https://keystone.test:5000/v3</c>.</summary>
    public Uri AuthUrl { get; init; } = new("https://keystone.test:5000/v3");

    /// <summary>The fake service: any request under this URL needs a token the fake issued. Default <c>https://service.test:6385/v1</c>.</summary>
    public Uri ServiceUrl { get; init; } = new("https://service.test:6385/v1");

    /// <summary>The catalog type of the fake service (public, internal and admin endpoints, all at <see cref="ServiceUrl"/>). Default <c>platform</c>.</summary>
    public string ServiceType { get; init; } = "platform";

    /// <summary>The region of every endpoint in the default catalog. Default <c>RegionOne</c>.</summary>
    public string Region { get; init; } = "RegionOne";

    /// <summary>
    /// When set, a password sign-in must send this password, or it gets 401
    /// as from Keystone. Null (the default) accepts any credentials.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>The clock for issued tokens, their expiry and the scripted delays; the system clock when null.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
