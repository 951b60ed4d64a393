namespace Keystone.Auth;

/// <summary>
/// The options are inconsistent or incomplete. Raised before any network call,
/// naming the option at fault and why (for example
/// "Username requires UserDomainId or UserDomainName").
/// </summary>
public sealed class InvalidOptionsException : KeystoneException
{
    /// <summary>Creates the exception from one or more validation failures.</summary>
    public InvalidOptionsException(string optionsType, IReadOnlyList<string> failures)
        : base($"Invalid {optionsType}: {string.Join("; ", failures)}")
    {
        OptionsType = optionsType;
        Failures = failures;
    }

    /// <summary>The name of the options type that failed validation.</summary>
    public string OptionsType { get; }

    /// <summary>Every failure found, each naming its option.</summary>
    public IReadOnlyList<string> Failures { get; }
}
