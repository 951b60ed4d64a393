using System.Text.Json;

namespace Keystone.Auth.Access;

/// <summary>
/// Turns a token response (the <c>X-Subject-Token</c> header and the JSON body)
/// into an <see cref="AccessInfo"/>, or raises <see cref="InvalidResponseException"/>
/// saying exactly what was wrong. Never includes the token in a message.
/// </summary>
internal static class TokenResponseReader
{
    public static async ValueTask<AccessInfo> ReadAsync(
        HttpResponseMessage response,
        Uri tokenUrl,
        DateTimeOffset requestedAt,
        int maxBytes,
        CancellationToken cancellationToken)
    {
        var subjectToken = response.Headers.TryGetValues("X-Subject-Token", out var values)
            ? values.FirstOrDefault()
            : null;
        if (string.IsNullOrWhiteSpace(subjectToken))
        {
            throw new InvalidResponseException(
                $"Keystone answered {(int)response.StatusCode} without an X-Subject-Token header", tokenUrl);
        }

        // Before reading the body: a token that cannot be a header value is refused whatever the body says.
        TokenValue.Check(subjectToken, tokenUrl);

        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            throw new InvalidResponseException($"The token response is {length} bytes, more than the {maxBytes} allowed (MaxResponseBytes)", tokenUrl);
        }

        TokenResponseDto? dto;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var bounded = new BoundedReadStream(stream, maxBytes);
                await using (bounded.ConfigureAwait(false))
                {
                    dto = await JsonSerializer.DeserializeAsync(bounded, TokenJsonContext.Default.TokenResponseDto, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidResponseException($"The token response is not valid JSON ({ex.Message})", tokenUrl, ex);
        }
        catch (BoundedReadStream.LimitExceededException ex)
        {
            throw new InvalidResponseException($"The token response is larger than the {maxBytes} bytes allowed (MaxResponseBytes)", tokenUrl, ex);
        }

        return Build(dto?.Token, subjectToken, tokenUrl, requestedAt);
    }

    /// <summary>Parses a token body held in memory (tests, and tokens obtained elsewhere).</summary>
    public static AccessInfo Parse(string subjectToken, ReadOnlySpan<byte> json, DateTimeOffset? requestedAt = null)
    {
        TokenValue.Check(subjectToken);
        TokenResponseDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, TokenJsonContext.Default.TokenResponseDto);
        }
        catch (JsonException ex)
        {
            throw new InvalidResponseException($"The token response is not valid JSON ({ex.Message})", null, ex);
        }

        return Build(dto?.Token, subjectToken, null, requestedAt);
    }

    private static AccessInfo Build(TokenDto? token, string subjectToken, Uri? tokenUrl, DateTimeOffset? requestedAt)
    {
        if (token is null)
        {
            throw new InvalidResponseException("The token response has no 'token' object", tokenUrl);
        }

        if (token.ExpiresAt is null)
        {
            throw new InvalidResponseException("The token response has no 'expires_at'", tokenUrl);
        }

        if (!KeystoneTimestamp.TryParse(token.ExpiresAt, out var expiresAt))
        {
            throw new InvalidResponseException($"The token's 'expires_at' is not a representable timestamp: '{Truncate(token.ExpiresAt)}'", tokenUrl);
        }

        DateTimeOffset? issuedAt = null;
        if (token.IssuedAt is not null)
        {
            if (!KeystoneTimestamp.TryParse(token.IssuedAt, out var issued))
            {
                throw new InvalidResponseException($"The token's 'issued_at' is not a representable timestamp: '{Truncate(token.IssuedAt)}'", tokenUrl);
            }

            issuedAt = issued;
        }

        if (issuedAt is { } i && expiresAt <= i)
        {
            throw new InvalidResponseException($"The token expires ({expiresAt:O}) no later than it was issued ({i:O})", tokenUrl);
        }

        return new AccessInfo
        {
            Token = subjectToken,
            ExpiresAt = expiresAt,
            IssuedAt = issuedAt,
            RequestedAt = requestedAt,
            Methods = token.Methods?.Where(m => m is not null).ToArray() ?? [],
            User = token.User is { Id: { } userId } u ? new TokenUser(userId, u.Name, u.Domain?.Id, u.Domain?.Name) : null,
            Project = token.Project is { Id: { } projectId } p ? new TokenProject(projectId, p.Name, p.Domain?.Id, p.Domain?.Name) : null,
            Domain = token.Domain is { Id: { } domainId } d ? new TokenDomain(domainId, d.Name) : null,
            SystemScope = SystemScopeOf(token.System),
            TrustId = token.Trust?.Id,
            Roles = token.Roles?.Where(r => r is not null).Select(r => new TokenRole(r.Id ?? string.Empty, r.Name ?? string.Empty)).ToArray() ?? [],
            AuditIds = token.AuditIds?.Where(a => a is not null).ToArray() ?? [],
            Catalog = CatalogOf(token.Catalog),
        };
    }

    private static string? SystemScopeOf(JsonElement? system)
    {
        if (system is not { ValueKind: JsonValueKind.Object } value)
        {
            return null;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.True)
            {
                return property.Name;
            }
        }

        return null;
    }

    private static ServiceCatalog CatalogOf(List<CatalogService>? services) =>
        // These records are short-lived: ServiceCatalog keeps a compact copy
        // (the catalog is most of a cached token's memory).
        services is null || services.Count == 0 ? ServiceCatalog.Empty : new ServiceCatalog(services);

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
