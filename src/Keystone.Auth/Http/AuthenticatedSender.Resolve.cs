namespace Keystone.Auth.Http;

/// <summary>
/// Step 2, where a request goes: <see cref="KeystoneSessionOptions.EndpointOverride"/>,
/// the endpoint resolver (the catalog by default) or the HttpClient's base
/// address, joined to a relative URL or to the path of the handler's catalog
/// placeholder, with a memo of the last URL joined.
/// </summary>
internal sealed partial class AuthenticatedSender
{
    /// <summary>Step 2 alone: the base URL a relative request would go to.</summary>
    public ValueTask<string> ResolveBaseAsync(AccessInfo access, EndpointFilter? filter, Uri? baseAddress, CancellationToken cancellationToken)
    {
        if (_options.EndpointOverride is { } endpointOverride)
        {
            return new ValueTask<string>(Substitute(endpointOverride, access));
        }

        if (filter is not null)
        {
            return _options.EndpointResolver is { } resolver
                ? resolver.ResolveAsync(filter, access, cancellationToken)
                : new ValueTask<string>(access.Catalog.GetEndpoint(filter));
        }

        if (baseAddress is not null)
        {
            return new ValueTask<string>(baseAddress.AbsoluteUri);
        }

        throw new ArgumentException(
            "A relative request URL needs an EndpointFilter, KeystoneSessionOptions.EndpointOverride or HttpClient.BaseAddress to resolve against.",
            nameof(filter));
    }

    private ValueTask<Uri> ResolveAsync(Uri requested, AccessInfo access, EndpointFilter? filter, Uri? baseAddress, CancellationToken cancellationToken)
    {
        ReadOnlySpan<char> path;
        string? placeholder = null;
        if (!requested.IsAbsoluteUri)
        {
            path = requested.OriginalString;
        }
        else if (_lastResolved is { Placeholder: { } seen } last && string.Equals(seen, requested.OriginalString, StringComparison.Ordinal))
        {
            // The handler's usual call: HttpClient made a new Uri on the catalog
            // placeholder, but with the same text as last time, so its path is known.
            path = last.Path;
        }
        else if (KeystoneAuthHandler.TryGetCatalogPath(requested, out path))
        {
            placeholder = requested.OriginalString;
        }
        else
        {
            return new ValueTask<Uri>(requested);
        }

        // A resolver that answers at once (the catalog, a loaded map) costs no state machine.
        var root = ResolveBaseAsync(access, filter, baseAddress, cancellationToken);
        return root.IsCompletedSuccessfully
            ? new ValueTask<Uri>(Join(root.Result, path, placeholder))
            : AwaitJoin(this, root, path.ToString(), placeholder);

        static async ValueTask<Uri> AwaitJoin(AuthenticatedSender sender, ValueTask<string> pending, string path, string? placeholder) =>
            sender.Join(await pending.ConfigureAwait(false), path, placeholder);
    }

    /// <summary>
    /// keystoneauth's join, <c>base.rstrip('/') + '/' + path.lstrip('/')</c>, of
    /// a relative URL or the handler's catalog placeholder's path. The same
    /// endpoint and path as last time give the same URL: Uri is immutable, so the
    /// last one is reused (the catalog memoizes its last answer too, so the root
    /// is usually the very same string). <paramref name="placeholder"/> is the
    /// placeholder URL the path was read from, kept so the next one with the same
    /// text is not read again.
    /// </summary>
    private Uri Join(string root, ReadOnlySpan<char> path, string? placeholder)
    {
        if (_lastResolved is { } last && last.Matches(root, path))
        {
            if (placeholder is not null && !string.Equals(placeholder, last.Placeholder, StringComparison.Ordinal))
            {
                _lastResolved = new ResolvedUrl(last.Root, last.Path, last.Uri, placeholder);
            }

            return last.Uri;
        }

        var resolved = new Uri(string.Concat(root.AsSpan().TrimEnd('/'), "/", path.TrimStart('/')), UriKind.Absolute);
        _lastResolved = new ResolvedUrl(root, path.ToString(), resolved, placeholder);
        return resolved;
    }

    /// <summary>One joined URL, what it was joined from, and the placeholder URL that path came from, if any.</summary>
    private sealed class ResolvedUrl(string root, string path, Uri uri, string? placeholder)
    {
        public string Root { get; } = root;

        public string Path { get; } = path;

        public Uri Uri { get; } = uri;

        public string? Placeholder { get; } = placeholder;

        public bool Matches(string otherRoot, ReadOnlySpan<char> otherPath) =>
            (ReferenceEquals(Root, otherRoot) || string.Equals(Root, otherRoot, StringComparison.Ordinal))
            && otherPath.SequenceEqual(Path);
    }

    private static string Substitute(string template, AccessInfo access)
    {
        if (template.Contains("%(project_id)s", StringComparison.Ordinal))
        {
            var projectId = access.Project?.Id ?? throw new InvalidOptionsException(
                nameof(KeystoneSessionOptions), ["EndpointOverride uses %(project_id)s but the token is not scoped to a project"]);
            template = template.Replace("%(project_id)s", projectId, StringComparison.Ordinal);
        }

        if (template.Contains("%(user_id)s", StringComparison.Ordinal))
        {
            var userId = access.User?.Id ?? throw new InvalidOptionsException(
                nameof(KeystoneSessionOptions), ["EndpointOverride uses %(user_id)s but the token has no user"]);
            template = template.Replace("%(user_id)s", userId, StringComparison.Ordinal);
        }

        return template;
    }
}
