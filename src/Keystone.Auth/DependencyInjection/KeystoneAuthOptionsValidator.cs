using Microsoft.Extensions.Options;

namespace Keystone.Auth.DependencyInjection;

/// <summary>Start-up validation of <see cref="KeystoneAuthOptions"/>; failures name the option.</summary>
internal sealed class KeystoneAuthOptionsValidator : IValidateOptions<KeystoneAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, KeystoneAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.HttpClientName))
        {
            failures.Add("HttpClientName is required");
        }

        foreach (var failure in options.Session.Validate())
        {
            failures.Add("Session." + failure);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
