using Microsoft.Extensions.Options;

namespace Keystone.Auth;

/// <summary>
/// Checks <see cref="PasswordAuthOptions"/> the way Keystone would reject them,
/// but before any network call, naming each option at fault. The same checks
/// run in <see cref="PasswordAuth"/>'s constructor and at start-up
/// (<c>ValidateOnStart</c>) in dependency injection. The checks themselves live
/// with the options (endpoint and limits in <see cref="KeystoneIdentityOptions"/>,
/// scope in <see cref="ScopedIdentityOptions"/>), shared by every method.
/// </summary>
internal sealed class PasswordAuthOptionsValidator : IValidateOptions<PasswordAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every failure, if any.</summary>
    internal static void ThrowIfInvalid(PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
    }

    /// <summary>Every problem with the options; empty when they are usable.</summary>
    internal static IReadOnlyList<string> Check(PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate();
    }
}
