namespace Keystone.Auth.Identity;

/// <summary>
/// Reads the <c>AuthUrl</c> option once, for the validator and for the token
/// URL, so the two can never disagree. The token URL is built from the parsed
/// URL, not from the string: <c>http://h/%76%33</c> is <c>/v3</c> to the server,
/// so it must be <c>/v3</c> to us too, or we would post to <c>/v3/v3/auth/tokens</c>.
/// </summary>
internal static class AuthUrl
{
    private const string TokenPath = "/auth/tokens";

    /// <summary>
    /// The option as the library uses it: surrounding whitespace removed. A URL
    /// read from a file or an <c>OS_AUTH_URL</c> with a trailing newline is a
    /// common slip, and whitespace is never meaningful at either end of a URL.
    /// </summary>
    public static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Adds to <paramref name="failures"/> why <paramref name="value"/> cannot be used, naming <paramref name="option"/>.</summary>
    public static void Check(string? value, string option, List<string> failures)
    {
        var text = Normalize(value);
        if (string.IsNullOrEmpty(text))
        {
            failures.Add($"{option} is required");
            return;
        }

        if (!TryParse(text, out var uri, out var problem))
        {
            failures.Add($"{option} {problem}");
        }
        else if (BasePath(uri, out var hint) is null)
        {
            failures.Add($"{option} {hint}");
        }
    }

    /// <summary>
    /// Adds why <paramref name="value"/> is not a usable absolute http(s) URL
    /// (whitespace inside, user information, query), naming
    /// <paramref name="option"/>; for URLs other than the identity endpoint.
    /// </summary>
    public static void CheckAbsolute(string? value, string option, List<string> failures)
    {
        var text = Normalize(value);
        if (string.IsNullOrEmpty(text))
        {
            failures.Add($"{option} is required");
        }
        else if (!TryParse(text, out _, out var problem))
        {
            failures.Add($"{option} {problem}");
        }
    }

    /// <summary>
    /// <c>{base}/v3/auth/tokens</c> (with <c>?nocatalog</c> when asked) for a
    /// value that passed <see cref="Check"/>; <c>/v3</c> is added when the path
    /// does not already end in it.
    /// </summary>
    public static Uri TokenUrl(string? value, bool includeCatalog)
    {
        if (!TryParse(Normalize(value) ?? string.Empty, out var uri, out var problem) || BasePath(uri, out problem) is not { } path)
        {
            throw new InvalidOptionsException("AuthUrl", [$"AuthUrl {problem}"]);
        }

        return new Uri(Origin(uri) + path + TokenPath + (includeCatalog ? string.Empty : "?nocatalog"), UriKind.Absolute);
    }

    /// <summary>
    /// <c>scheme://host:port</c> of <paramref name="uri"/>, never its user
    /// information: what an error message may say about a place.
    /// </summary>
    public static string Origin(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

    private static bool TryParse(string text, out Uri uri, out string problem)
    {
        uri = null!;
        problem = string.Empty;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                problem = "must not contain whitespace or control characters inside the URL";
                return false;
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            // Echo the value only when it cannot be carrying a password
            // ("user:pass@" that failed to parse as a URL).
            problem = text.Contains('@', StringComparison.Ordinal)
                ? "must be an absolute http or https URL"
                : $"must be an absolute http or https URL, got '{text}'";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            // Never echo it: the part before '@' is usually "user:password".
            problem = $"must not contain a user name or password (user:password@); set the credential options instead and write {Origin(parsed)}{parsed.AbsolutePath}";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            problem = "must not have a query or fragment";
            return false;
        }

        uri = parsed;
        return true;
    }

    /// <summary>The path the token path goes under (ending in <c>/v3</c>), or null with a hint of what to write.</summary>
    private static string? BasePath(Uri uri, out string hint)
    {
        hint = string.Empty;
        var path = uri.AbsolutePath.TrimEnd('/');
        var lower = path.ToLowerInvariant();
        var last = lower[(lower.LastIndexOf('/') + 1)..];
        var suggestion = Origin(uri) + path;

        if (lower.EndsWith("/v3" + TokenPath, StringComparison.Ordinal) || lower.EndsWith(TokenPath, StringComparison.Ordinal))
        {
            hint = $"must be the identity endpoint, not the token URL: write {suggestion[..^TokenPath.Length]}";
            return null;
        }

        if (last is "v2.0" or "v2")
        {
            hint = $"names the Identity v2 API, which this library does not speak (it uses v3): write {suggestion[..^(last.Length + 1)]}/v3";
            return null;
        }

        return last == "v3" ? path : path + "/v3";
    }
}
