namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddKeystoneAuth</c>: configures one named Keystone identity
/// further (e.g. <c>.AddTokenCaching()</c>).
/// </summary>
public interface IKeystoneAuthBuilder
{
    /// <summary>The identity's name (<see cref="Microsoft.Extensions.Options.Options.DefaultName"/> for the default identity).</summary>
    string Name { get; }

    /// <summary>The services being configured.</summary>
    IServiceCollection Services { get; }
}
