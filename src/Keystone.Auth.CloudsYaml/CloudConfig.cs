using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Text;

namespace Keystone.Auth.CloudsYaml;

/// <summary>
/// One cloud of a clouds.yaml file, after secure.yaml was merged over it and
/// the <c>OS_*</c> environment variables were applied: the auth method, its
/// <c>auth</c> settings and where and how to reach the cloud. Immutable; made
/// by <see cref="CloudsYaml.Load"/>. <see cref="ToString"/> never shows a secret.
/// </summary>
/// <remarks>
/// The model is neutral: it does not decide which auth plugin the settings
/// are for. <see cref="CloudConfigExtensions"/> turns it into Keystone.Auth options.
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class CloudConfig
{
    internal CloudConfig(string name, string filePath, string? authType, IDictionary<string, string> auth)
    {
        Name = name;
        FilePath = filePath;
        AuthType = authType;
        Auth = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(auth, StringComparer.Ordinal));
    }

    /// <summary>The cloud's name: its key under <c>clouds:</c>.</summary>
    public string Name { get; }

    /// <summary>The clouds.yaml file the cloud was read from (secure.yaml may have added to it).</summary>
    public string FilePath { get; }

    /// <summary>
    /// <c>auth_type</c> (<c>OS_AUTH_TYPE</c>), e.g. <c>password</c>,
    /// <c>v3applicationcredential</c>, <c>v3token</c>; null when the file does
    /// not say, which openstacksdk reads as <c>password</c>.
    /// </summary>
    public string? AuthType { get; }

    /// <summary>
    /// Every key of the cloud's <c>auth:</c> map, spelled as in the file
    /// (<c>auth_url</c>, <c>username</c>, <c>password</c>,
    /// <c>project_name</c>, <c>application_credential_secret</c>, ...), with
    /// the values of the matching <c>OS_*</c> variables where those are set.
    /// Values are the text written in the file; keys with a null value are left out.
    /// </summary>
    public IReadOnlyDictionary<string, string> Auth { get; }

    /// <summary><c>region_name</c> (<c>OS_REGION_NAME</c>); the first of <c>regions</c> when only that is given.</summary>
    public string? RegionName { get; internal init; }

    /// <summary><c>interface</c> (<c>OS_INTERFACE</c>): <c>public</c>, <c>internal</c> or <c>admin</c>, as written.</summary>
    public string? Interface { get; internal init; }

    /// <summary><c>cacert</c> (<c>OS_CACERT</c>): PEM file of the CA certificates to trust.</summary>
    public string? CaCertificatesPath { get; internal init; }

    /// <summary>
    /// <c>verify</c>: whether server certificates are checked (default true).
    /// <c>insecure: true</c> or <c>OS_INSECURE=true</c> turn it off.
    /// </summary>
    public bool Verify { get; internal init; } = true;

    /// <summary><c>cert</c> (<c>OS_CERT</c>): PEM file of the client certificate.</summary>
    public string? ClientCertificatePath { get; internal init; }

    /// <summary><c>key</c> (<c>OS_KEY</c>): PEM file of the client certificate's private key.</summary>
    public string? ClientKeyPath { get; internal init; }

    /// <summary>
    /// Describes the cloud; the value of every auth key that names a secret
    /// (password, secret, token, passcode) shows as <c>***</c>.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder("CloudConfig { Name = ").Append(Name)
            .Append(", FilePath = ").Append(FilePath);
        Append(text, nameof(AuthType), AuthType);
        text.Append(", Auth = {");
        var first = true;
        foreach (var (key, value) in Auth)
        {
            text.Append(first ? " " : ", ").Append(key).Append(" = ").Append(IsSecret(key) ? "***" : value);
            first = false;
        }

        text.Append(first ? "}" : " }");
        Append(text, nameof(RegionName), RegionName);
        Append(text, nameof(Interface), Interface);
        Append(text, nameof(CaCertificatesPath), CaCertificatesPath);
        if (!Verify)
        {
            text.Append(", Verify = false");
        }

        Append(text, nameof(ClientCertificatePath), ClientCertificatePath);
        Append(text, nameof(ClientKeyPath), ClientKeyPath);
        return text.Append(" }").ToString();
    }

    /// <summary>
    /// Whether an auth key holds a credential. Matched by words rather than a
    /// fixed list, so keys of plugins this package does not know
    /// (<c>totp_secret</c>, OIDC's <c>client_secret</c>, <c>access_token</c>)
    /// are hidden too.
    /// </summary>
    internal static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("token", StringComparison.OrdinalIgnoreCase)
        || key.Contains("passcode", StringComparison.OrdinalIgnoreCase);

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.Append(", ").Append(name).Append(" = ").Append(value);
        }
    }
}
