namespace Keystone.Auth;

/// <summary>Where <see cref="KeystoneIdentityClient"/> finds Keystone, and how much it reads.</summary>
public sealed class KeystoneIdentityClientOptions
{
    /// <summary>
    /// Keystone's v3 URL, e.g. <c>https://10.10.10.2:5001/v3</c> (<c>/v3</c> is
    /// added when missing). Null (the default): the <see cref="IdentityEndpoint"/>
    /// of the token's catalog.
    /// </summary>
    public string? IdentityUrl { get; set; }

    /// <summary>
    /// The catalog entry used when <see cref="IdentityUrl"/> is null (default:
    /// <c>identity</c>, public interface, any region). A distcloud controller
    /// reaches its own Keystone on the internal interface.
    /// </summary>
    public EndpointFilter IdentityEndpoint { get; set; } = new("identity", EndpointInterface.Public);

    /// <summary>
    /// The largest answer read (default 64 MiB, as for token responses): an
    /// endpoint list of thousands of subclouds is tens of MB. A larger one is an
    /// <see cref="InvalidResponseException"/>, read streaming, never buffered whole.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Settings of the session the calls go through (401 retry, timeout, headers). The identity URL is set from the options above.</summary>
    public KeystoneSessionOptions Session { get; set; } = new();

    /// <summary>Every problem with these options, each naming its option.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (IdentityUrl is not null
            && !(Uri.TryCreate(IdentityUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0))
        {
            failures.Add($"IdentityUrl must be an absolute http(s) URL, got '{Diagnostics.Redaction.Url(IdentityUrl)}'");
        }

        if (IdentityEndpoint is null)
        {
            failures.Add("IdentityEndpoint must not be null");
        }

        if (MaxResponseBytes < 1024)
        {
            failures.Add($"MaxResponseBytes must be at least 1024, got {MaxResponseBytes}");
        }

        if (Session is null)
        {
            failures.Add("Session must not be null");
        }

        return failures;
    }
}
