using Keystone.Auth;
using Keystone.Auth.CloudsYaml;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keystone identities from clouds.yaml.</summary>
public static class CloudsYamlServiceCollectionExtensions
{
    /// <summary>
    /// Registers an identity from one cloud of clouds.yaml, loaded now
    /// (<see cref="CloudsYaml.Load"/>: search path, secure.yaml, <c>OS_*</c>
    /// overrides): its <c>auth_type</c> chooses the method (see
    /// <see cref="CloudConfigExtensions.ToAuthPluginOptions"/>), its <c>auth</c>
    /// map the credentials and scope, <c>region_name</c> and <c>interface</c>
    /// the endpoint defaults, and <c>cacert</c>, <c>cert</c>, <c>key</c> and
    /// <c>verify</c> the transport of the <c>Keystone.Auth</c> HttpClient, exactly
    /// as <c>AddKeystoneAuthFromEnvironment</c> would read the same settings from
    /// <c>OS_*</c> variables. Validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="cloudName">The cloud's key under <c>clouds:</c>; null means <c>OS_CLOUD</c>.</param>
    /// <param name="name">The identity's name; the default identity when null.</param>
    /// <param name="options">Search folders and environment; null means openstacksdk's defaults.</param>
    /// <exception cref="InvalidOptionsException">The file or cloud is missing or malformed, or its auth_type is not known.</exception>
    public static IKeystoneAuthBuilder AddKeystoneAuthFromCloudsYaml(this IServiceCollection services, string? cloudName = null, string? name = null, CloudsYamlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var cloud = CloudsYaml.Load(cloudName, options);

        // Fails here, naming the file and cloud, rather than as OS_AUTH_TYPE below.
        _ = cloud.ToAuthPluginOptions();
        return services.AddKeystoneAuthFromEnvironment(name, cloud.AsVariables());
    }
}
