namespace Keystone.Auth.Access;

/// <summary>
/// What a token may look like: it is sent verbatim as the <c>X-Auth-Token</c>
/// header, so only a string that is a valid header value on its own is a token.
/// </summary>
/// <remarks>
/// Why here and not at the send: a CR/LF in a token written raw into a request
/// injects headers, and a token with a NUL or a non-ASCII char makes every
/// request of the token's life fail with a misleading connection error. Refusing
/// it where an <see cref="AccessInfo"/> is made keeps it out of the cache.
/// </remarks>
internal static class TokenValue
{
    /// <summary>
    /// The longest token accepted, in chars. Fernet tokens are about 200 chars and
    /// JWS tokens about 1 KB even with many roles; 8 KiB leaves ample room while
    /// staying far below what servers accept as one header line.
    /// </summary>
    public const int MaxLength = 8 * 1024;

    /// <summary>Why <paramref name="token"/> is not usable, or null when it is. Never quotes the token.</summary>
    public static string? Problem(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "the token is empty";
        }

        if (token.Length > MaxLength)
        {
            return $"the token is {token.Length} chars long, more than the {MaxLength} allowed";
        }

        for (var i = 0; i < token.Length; i++)
        {
            // Visible ASCII only: no space, no control char (CR, LF, NUL), nothing
            // above 0x7E. Fernet and JWS tokens are base64url and never need more.
            if (token[i] is < '!' or > '~')
            {
                return $"the token has a char that is not visible ASCII (U+{(int)token[i]:X4}) at position {i}";
            }
        }

        return null;
    }

    /// <summary>Returns <paramref name="token"/> when usable; otherwise raises <see cref="InvalidResponseException"/>.</summary>
    public static string Check(string? token, Uri? requestUri = null) =>
        Problem(token) is { } problem
            ? throw new InvalidResponseException($"Not a usable X-Auth-Token value: {problem}", requestUri)
            : token!;
}
