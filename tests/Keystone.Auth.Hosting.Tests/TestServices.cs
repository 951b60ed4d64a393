using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Hosting.Tests;

internal static class TestServices
{
    /// <summary>
    /// A container whose HttpClients (the <c>Keystone.Auth</c> one and every
    /// typed client) all send through <paramref name="transport"/>.
    /// </summary>
    public static ServiceProvider Build(HttpMessageHandler transport, Action<IServiceCollection> configure, CapturingLoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        services.ConfigureHttpClientDefaults(b => b.ConfigurePrimaryHttpMessageHandler(() => transport));
        configure(services);

        // After the library's own UseKeystoneTransport: the last primary handler set wins.
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).ConfigurePrimaryHttpMessageHandler(() => transport);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}

/// <summary>A typed client as a user writes one (as in the README's dependency-injection snippet).</summary>
public sealed class SysinvClient(HttpClient http)
{
    public HttpClient Http => http;

    public Task<HttpResponseMessage> GetHostsAsync() => http.GetAsync(new Uri("ihosts", UriKind.Relative));
}
