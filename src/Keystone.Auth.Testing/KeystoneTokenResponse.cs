using System.Diagnostics;
using System.Net;
using System.Text;

namespace Keystone.Auth.Testing;

/// <summary>
/// A built token response: the token id (<c>X-Subject-Token</c>), the JSON
/// body and the times written in it. Hand it to a mocked handler with
/// <see cref="CreateHttpResponse"/>, or parse it with <see cref="ToAccessInfo"/>.
/// </summary>
/// <remarks><see cref="ToString"/> shows a fingerprint of the token, never the token.</remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class KeystoneTokenResponse
{
    internal KeystoneTokenResponse(string tokenId, string json, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        TokenId = tokenId;
        Json = json;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>The token, as Keystone sends it in <c>X-Subject-Token</c>.</summary>
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    public string TokenId { get; }

    /// <summary>The body, <c>{"token": {...}}</c>.</summary>
    public string Json { get; }

    /// <summary>The <c>issued_at</c> written in the body.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>The <c>expires_at</c> written in the body.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// A new response as Keystone sends it: the status (201 Created by
    /// default), <c>X-Subject-Token</c> and the JSON body. Each call makes a
    /// new message, so a mock may answer many requests with one built token.
    /// </summary>
    public HttpResponseMessage CreateHttpResponse(HttpStatusCode statusCode = HttpStatusCode.Created)
    {
        var response = new HttpResponseMessage(statusCode)
        {
            Content = new StringContent(Json, Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("X-Subject-Token", TokenId);
        return response;
    }

    /// <summary>Parses this response with the library's own reader, as a token POST would.</summary>
    /// <param name="requestedAt">When the request was sent, in the local clock (clock-skew correction), if known.</param>
    public AccessInfo ToAccessInfo(DateTimeOffset? requestedAt = null) => AccessInfo.FromTokenResponse(TokenId, Json, requestedAt);

    /// <inheritdoc />
    public override string ToString() => $"KeystoneTokenResponse {{ ExpiresAt = {ExpiresAt:O}, Token = {TokenIds.Fingerprint(TokenId)} }}";
}
