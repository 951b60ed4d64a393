namespace Keystone.Auth.Testing;

public sealed partial class KeystoneTokenBuilder
{
    /// <summary>
    /// Adds a catalog entry of <paramref name="serviceType"/> (and name) with
    /// no endpoint yet, or leaves an existing one as it is.
    /// </summary>
    public KeystoneTokenBuilder WithService(string serviceType, string? serviceName = null, string? serviceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceType);
        return Find(serviceType, serviceName) >= 0
            ? this
            : new(_shape with { Services = [.. _shape.Services, new ServiceShape(serviceId ?? NewId(), serviceType, serviceName, [])] });
    }

    /// <summary>
    /// Adds an endpoint to the catalog entry of <paramref name="serviceType"/>
    /// (and name), creating the entry if needed. Keystone writes the region
    /// twice, as <c>region</c> and <c>region_id</c>; so does this.
    /// </summary>
    public KeystoneTokenBuilder WithEndpoint(
        string serviceType, EndpointInterface @interface, string url, string? region = "RegionOne", string? serviceName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceType);
        ArgumentException.ThrowIfNullOrEmpty(url);
        var withService = WithService(serviceType, serviceName)._shape;
        var services = (ServiceShape[])withService.Services.Clone();
        var index = Find(services, serviceType, serviceName);
        var service = services[index];
        services[index] = service with { Endpoints = [.. service.Endpoints, new EndpointShape(NewId(), WireName(@interface), url, region)] };
        return new(withService with { Services = services });
    }

    /// <summary>
    /// The public, internal and admin endpoints of a service in one region,
    /// as keystoneauth's <c>add_standard_endpoints</c>; a null URL is left out.
    /// </summary>
    public KeystoneTokenBuilder WithStandardEndpoints(
        string serviceType, string? publicUrl, string? internalUrl = null, string? adminUrl = null,
        string? region = "RegionOne", string? serviceName = null)
    {
        var b = WithService(serviceType, serviceName);
        if (publicUrl is not null)
        {
            b = b.WithEndpoint(serviceType, EndpointInterface.Public, publicUrl, region, serviceName);
        }

        if (internalUrl is not null)
        {
            b = b.WithEndpoint(serviceType, EndpointInterface.Internal, internalUrl, region, serviceName);
        }

        if (adminUrl is not null)
        {
            b = b.WithEndpoint(serviceType, EndpointInterface.Admin, adminUrl, region, serviceName);
        }

        return b;
    }

    /// <summary>No <c>catalog</c> key at all, as Keystone answers <c>?nocatalog</c>.</summary>
    public KeystoneTokenBuilder WithoutCatalog() => new(_shape with { IncludeCatalog = false });

    /// <summary>A <c>catalog</c> key again (the services added so far), after <see cref="WithoutCatalog"/>.</summary>
    public KeystoneTokenBuilder WithCatalog() => new(_shape with { IncludeCatalog = true });

    private int Find(string type, string? name) => Find(_shape.Services, type, name);

    private static int Find(ServiceShape[] services, string type, string? name) =>
        Array.FindIndex(services, s => s.Type == type && (name is null || s.Name == name));

    private static string WireName(EndpointInterface @interface) => @interface switch
    {
        EndpointInterface.Public => "public",
        EndpointInterface.Internal => "internal",
        EndpointInterface.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(@interface), @interface, "Not an endpoint interface."),
    };
}
