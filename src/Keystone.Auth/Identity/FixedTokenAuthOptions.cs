using System.Diagnostics;
using System.Text.Json.Serialization;
using Keystone.Auth.Identity;

namespace Keystone.Auth;

/// <summary>
/// Settings of <see cref="FixedTokenAuth"/> (keystoneauth's <c>token_endpoint</c>
/// plugin): a token obtained elsewhere, e.g. a caller's token a service
/// forwards, and the endpoint it is used against.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class FixedTokenAuthOptions : AuthPluginOptions
{
    /// <summary>The longest token accepted, in characters (a PKI token is a few KB; Fernet about 200 characters).</summary>
    internal const int MaxTokenLength = 64 * 1024;

    /// <summary>The token. Required: visible ASCII (it goes into a header as is). Never logged, printed or serialized.</summary>
    [JsonIgnore]
    public string? Token { get; set; }

    /// <summary>
    /// The service endpoint, e.g. <c>https://10.10.10.3:6385/v1</c>: give it to the
    /// session as <see cref="KeystoneSessionOptions.EndpointOverride"/>, since the
    /// token comes without a catalog to look endpoints up in.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>When the token ends, if known; the plugin reports it on <see cref="AccessInfo.ExpiresAt"/>. Default: unknown (never expires here).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The endpoint; the token shows as <c>***</c>.</summary>
    public override string ToString() =>
        $"FixedTokenAuthOptions {{ Endpoint = {Endpoint}, Token = {(string.IsNullOrEmpty(Token) ? "(none)" : Diagnostics.Redaction.Redacted)} }}";

    /// <summary>Reads <c>OS_TOKEN</c> and <c>OS_ENDPOINT</c> (keystoneauth's <c>admin_token</c> options).</summary>
    /// <param name="getVariable">Reads one variable; defaults to <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static new FixedTokenAuthOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        var options = new FixedTokenAuthOptions();
        options.ReadSettings(getVariable ?? Environment.GetEnvironmentVariable);
        return options;
    }

    internal override bool HasCatalog => false;

    internal override string? DefaultEndpoint => AuthUrl.Normalize(Endpoint);

    internal override void ReadSettings(Func<string, string?> getVariable)
    {
        string? Get(string name) => getVariable(name) is { Length: > 0 } v ? v : null;
        Token = Get("OS_TOKEN") ?? Token;
        Endpoint = Get("OS_ENDPOINT") ?? Endpoint;
    }

    /// <summary>Every problem, each naming its option; empty when usable.</summary>
    internal override IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(Token))
        {
            failures.Add("Token is required");
        }
        else if (Token.Length > MaxTokenLength)
        {
            failures.Add($"Token is longer than {MaxTokenLength} characters");
        }
        else if (Token.AsSpan().ContainsAnyExceptInRange('\x21', '\x7e'))
        {
            // Not shown: it is a credential. CR/LF here would inject headers.
            failures.Add("Token must be visible ASCII only (no spaces, control characters or non-ASCII): it is sent as the X-Auth-Token header");
        }

        AuthUrl.CheckAbsolute(Endpoint, nameof(Endpoint), failures);
        return failures;
    }
}
