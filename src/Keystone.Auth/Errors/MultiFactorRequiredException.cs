using System.Net;

namespace Keystone.Auth;

/// <summary>
/// Keystone accepted the methods sent but the user's multi-factor rules need
/// more (401 with an <c>Openstack-Auth-Receipt</c>), and this plugin could not
/// supply them: e.g. a password plugin with no TOTP source, or TOTP alone for a
/// user whose rule is <c>[password, totp]</c>. Still an
/// <see cref="AuthenticationFailedException"/>, so code that handles failed
/// sign-ins handles this too.
/// </summary>
/// <remarks>
/// The receipt itself is never kept here, nor in the message: it is a
/// short-lived credential for the second step, used only inside the plugin.
/// </remarks>
public sealed class MultiFactorRequiredException : AuthenticationFailedException
{
    internal MultiFactorRequiredException(
        Uri? requestUri,
        IReadOnlyList<string> completedMethods,
        IReadOnlyList<IReadOnlyList<string>> requiredMethods,
        string? requestId)
        : base(HttpStatusCode.Unauthorized, HttpMethod.Post, requestUri, "Unauthorized", Explain(completedMethods, requiredMethods), requestId)
    {
        CompletedMethods = completedMethods;
        RequiredMethods = requiredMethods;
    }

    /// <summary>The methods Keystone accepted in this sign-in (the receipt's <c>methods</c>), e.g. <c>[password]</c>.</summary>
    public IReadOnlyList<string> CompletedMethods { get; }

    /// <summary>
    /// The user's rules (<c>required_auth_methods</c>): signing in needs every
    /// method of any one of these sets, e.g. <c>[[password, totp]]</c>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> RequiredMethods { get; }

    /// <summary>Whether one rule would be met by adding exactly <paramref name="method"/> to what was accepted.</summary>
    internal bool CompletedBy(string method)
    {
        foreach (var rule in RequiredMethods)
        {
            var missing = rule.Where(m => !CompletedMethods.Contains(m, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
            if (missing.Length == 1 && string.Equals(missing[0], method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Explain(IReadOnlyList<string> completed, IReadOnlyList<IReadOnlyList<string>> required)
    {
        var missing = required
            .Select(rule => string.Join(" + ", rule.Where(m => !completed.Contains(m, StringComparer.Ordinal))))
            .Where(m => m.Length > 0)
            .Distinct(StringComparer.Ordinal);
        return $"Keystone requires more auth methods for this user: accepted [{string.Join(", ", completed)}], " +
            $"still needed: {string.Join(" or ", missing)} (rules: {string.Join(" | ", required.Select(r => "[" + string.Join(", ", r) + "]"))})";
    }
}
