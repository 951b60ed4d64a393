using Microsoft.Extensions.Options;

namespace Keystone.Auth.DependencyInjection;

/// <summary>Start-up validation (<c>ValidateOnStart</c>) of any method's options: the checks its plugin's constructor makes, each naming its option.</summary>
internal sealed class AuthPluginOptionsValidator<T> : IValidateOptions<T>
    where T : AuthPluginOptions
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
