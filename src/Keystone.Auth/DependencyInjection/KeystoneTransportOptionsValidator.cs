using Microsoft.Extensions.Options;

namespace Keystone.Auth.DependencyInjection;

/// <summary>Start-up validation of <see cref="KeystoneTransportOptions"/>; failures name the option.</summary>
internal sealed class KeystoneTransportOptionsValidator : IValidateOptions<KeystoneTransportOptions>
{
    public ValidateOptionsResult Validate(string? name, KeystoneTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
