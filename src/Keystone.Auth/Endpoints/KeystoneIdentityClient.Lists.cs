using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Keystone.Auth.Endpoints;

namespace Keystone.Auth;

// The region, service and endpoint lists: read whole (bounded), typed, and
// refused when partial, because the endpoint map is built from them.
#pragma warning disable CA1001 // see KeystoneIdentityClient.cs
public sealed partial class KeystoneIdentityClient
#pragma warning restore CA1001
{
    /// <summary>Every region (<c>GET /v3/regions</c>).</summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not a region list, a value of the wrong type, or a list Keystone truncated (<c>list_limit</c>).</exception>
    public async Task<IReadOnlyList<KeystoneRegion>> ListRegionsAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("regions", IdentityListJsonContext.Default.RegionListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneRegion>(dto.Regions?.Count ?? 0);
        foreach (var r in dto.Regions ?? [])
        {
            if (r?.Id is { Length: > 0 } id)
            {
                list.Add(new KeystoneRegion(id, r.ParentRegionId, r.Description));
            }
        }

        return list;
    }

    /// <summary>Every service (<c>GET /v3/services</c>).</summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not a service list, a value of the wrong type, or a truncated list.</exception>
    public async Task<IReadOnlyList<KeystoneService>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("services", IdentityListJsonContext.Default.ServiceListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneService>(dto.Services?.Count ?? 0);
        foreach (var s in dto.Services ?? [])
        {
            if (s?.Id is { Length: > 0 } id && s.Type is { Length: > 0 } type)
            {
                list.Add(new KeystoneService(id, type, s.Name, s.Enabled ?? true));
            }
        }

        return list;
    }

    /// <summary>
    /// Every endpoint (<c>GET /v3/endpoints</c>). Entries without an id, service,
    /// URL or a known interface are skipped, as the catalog skips them.
    /// </summary>
    /// <exception cref="KeystoneHttpException">An error status.</exception>
    /// <exception cref="InvalidResponseException">Not an endpoint list, a value of the wrong type, or a truncated list.</exception>
    public async Task<IReadOnlyList<KeystoneEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var (dto, _) = await ListAsync("endpoints", IdentityListJsonContext.Default.EndpointListDto, cancellationToken).ConfigureAwait(false);
        var list = new List<KeystoneEndpoint>(dto.Endpoints?.Count ?? 0);
        foreach (var e in dto.Endpoints ?? [])
        {
            if (e?.Id is { Length: > 0 } id && e.ServiceId is { Length: > 0 } serviceId && e.Url is { Length: > 0 } url
                && EndpointFilter.TryParseInterface(e.Interface, out var iface))
            {
                list.Add(new KeystoneEndpoint(id, serviceId, iface, e.RegionId ?? e.Region, url, e.Enabled ?? true));
            }
        }

        return list;
    }

    private async Task<(T Dto, Uri Url)> ListAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var url = await UrlAsync(path, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await _session.SendAsync(request, null, cancellationToken).ConfigureAwait(false);
        await ThrowIfErrorAsync(response, url, cancellationToken).ConfigureAwait(false);
        var body = await ReadBoundedAsync(response, url, cancellationToken).ConfigureAwait(false);
        T? dto;
        try
        {
            dto = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException ex)
        {
            throw new InvalidResponseException($"The {path} list is not valid JSON of the expected shape ({ex.Message})", url, ex);
        }

        var (items, truncated) = dto switch
        {
            RegionListDto r => (r.Regions as object, r.Truncated),
            ServiceListDto s => (s.Services, s.Truncated),
            EndpointListDto e => (e.Endpoints, e.Truncated),
            _ => (null, null),
        };

        if (items is null)
        {
            throw new InvalidResponseException($"The answer has no '{path}' list", url);
        }

        if (truncated == true)
        {
            // A partial list would make a map that silently lacks regions.
            throw new InvalidResponseException($"Keystone truncated the {path} list (its list_limit); raise list_limit for {path} so the whole list is returned", url);
        }

        return (dto!, url);
    }
}
