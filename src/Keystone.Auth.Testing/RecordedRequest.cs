using System.Diagnostics;

namespace Keystone.Auth.Testing;

/// <summary>What a <see cref="FakeKeystoneHandler"/> was asked for a request.</summary>
public enum FakeKeystoneRequestKind
{
    /// <summary><c>POST …/v3/auth/tokens</c>.</summary>
    Token = 0,

    /// <summary>A request under the fake service's URL.</summary>
    Service = 1,

    /// <summary>Anything else (answered 404).</summary>
    Other = 2,
}

/// <summary>
/// One request a <see cref="FakeKeystoneHandler"/> received. <see cref="ToString"/>
/// shows the method, URL, kind and auth methods, never the body (it holds the
/// password) or the token.
/// </summary>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class RecordedRequest
{
    internal RecordedRequest(FakeKeystoneRequestKind kind, HttpMethod method, Uri uri, string? body, string? authToken, IReadOnlyList<string> authMethods)
    {
        Kind = kind;
        Method = method;
        Uri = uri;
        Body = body;
        AuthToken = authToken;
        AuthMethods = authMethods;
    }

    /// <summary>Token POST, service call or other.</summary>
    public FakeKeystoneRequestKind Kind { get; }

    /// <summary>The HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>The request URL.</summary>
    public Uri Uri { get; }

    /// <summary>The body as sent (a token POST's holds the credentials: assert on it, never log it).</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? Body { get; }

    /// <summary>The <c>X-Auth-Token</c> header, if any.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string? AuthToken { get; }

    /// <summary>For a token POST, <c>auth.identity.methods</c> (e.g. <c>password</c>); empty otherwise.</summary>
    public IReadOnlyList<string> AuthMethods { get; }

    /// <inheritdoc />
    public override string ToString() =>
        AuthMethods.Count > 0
            ? $"{Method} {Uri} ({Kind}: {string.Join(", ", AuthMethods)})"
            : $"{Method} {Uri} ({Kind})";
}
