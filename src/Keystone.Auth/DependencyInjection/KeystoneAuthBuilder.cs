using Microsoft.Extensions.DependencyInjection;

namespace Keystone.Auth.DependencyInjection;

internal sealed class KeystoneAuthBuilder(string name, IServiceCollection services) : IKeystoneAuthBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}
