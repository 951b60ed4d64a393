using Microsoft.Extensions.Options;

namespace Keystone.Auth.Caching.DependencyInjection;

/// <summary>Start-up validation of <see cref="TokenCacheOptions"/>; failures name the option.</summary>
internal sealed class TokenCacheOptionsValidator : IValidateOptions<TokenCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
