using Microsoft.Extensions.Options;

namespace Keystone.Auth;

/// <summary>
/// Checks <see cref="PasswordAuthOptions"/> the way Keystone would reject them,
/// but before any network call, naming each option at fault. Used by
/// <see cref="PasswordAuth"/>'s constructor and by the Options pattern
/// (<c>ValidateOnStart</c>) in dependency injection.
/// </summary>
public sealed class PasswordAuthOptionsValidator : IValidateOptions<PasswordAuthOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every failure, if any.</summary>
    public static void ThrowIfInvalid(PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(PasswordAuthOptions), failures);
        }
    }

    /// <summary>Every problem with the options; empty when they are usable.</summary>
    public static IReadOnlyList<string> Check(PasswordAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        Identity.AuthUrl.Check(options.AuthUrl, nameof(options.AuthUrl), failures);

        if (string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Password is required");
        }

        if (IsSet(options.UserId))
        {
            // A user id identifies the user on its own (keystoneauth ignores
            // the name and domain then); nothing more to check.
        }
        else if (IsSet(options.Username))
        {
            Exclusive(failures, options.UserDomainId, options.UserDomainName, "UserDomainId", "UserDomainName");
            if (!IsSet(options.UserDomainId) && !IsSet(options.UserDomainName))
            {
                failures.Add("Username requires UserDomainId or UserDomainName");
            }
        }
        else
        {
            failures.Add("set UserId, or Username with UserDomainId or UserDomainName");
        }

        Exclusive(failures, options.ProjectId, options.ProjectName, "ProjectId", "ProjectName");
        if (IsSet(options.ProjectName) && !IsSet(options.ProjectId))
        {
            Exclusive(failures, options.ProjectDomainId, options.ProjectDomainName, "ProjectDomainId", "ProjectDomainName");
            if (!IsSet(options.ProjectDomainId) && !IsSet(options.ProjectDomainName))
            {
                failures.Add("ProjectName requires ProjectDomainId or ProjectDomainName");
            }
        }

        Exclusive(failures, options.DomainId, options.DomainName, "DomainId", "DomainName");

        if (IsSet(options.SystemScope) && !string.Equals(options.SystemScope, "all", StringComparison.Ordinal))
        {
            failures.Add($"SystemScope must be 'all' (the only system scope Keystone supports), got '{options.SystemScope}'");
        }

        var scopes = new List<string>();
        if (IsSet(options.ProjectId) || IsSet(options.ProjectName))
        {
            scopes.Add("project");
        }

        if (IsSet(options.DomainId) || IsSet(options.DomainName))
        {
            scopes.Add("domain");
        }

        if (IsSet(options.SystemScope))
        {
            scopes.Add("system");
        }

        if (IsSet(options.TrustId))
        {
            scopes.Add("trust");
        }

        if (options.Unscoped)
        {
            scopes.Add("unscoped");
        }

        if (scopes.Count > 1)
        {
            failures.Add($"Authentication cannot be scoped to multiple targets ({string.Join(", ", scopes)}); pick one of project, domain, system, trust or unscoped");
        }

        if (options.RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            // A token request with no end would hold every caller of its
            // identity (they share one fetch) until the process restarts.
            failures.Add("RequestTimeout must be finite: a token request without a deadline can wedge its identity; leave it null for the default (30 s)");
        }
        else if (options.RequestTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            failures.Add("RequestTimeout must be positive");
        }
        else if (options.RequestTimeout > PasswordAuthOptions.MaxRequestTimeout)
        {
            failures.Add($"RequestTimeout must be at most {PasswordAuthOptions.MaxRequestTimeout} (one token request)");
        }

        if (options.MaxResponseBytes <= 0)
        {
            failures.Add("MaxResponseBytes must be positive");
        }

        return failures;
    }

    private static bool IsSet(string? value) => !string.IsNullOrEmpty(value);

    private static void Exclusive(List<string> failures, string? a, string? b, string nameA, string nameB)
    {
        if (IsSet(a) && IsSet(b))
        {
            failures.Add($"set {nameA} or {nameB}, not both");
        }
    }
}
