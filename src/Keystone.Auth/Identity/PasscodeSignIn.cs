using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Identity;

/// <summary>
/// What TOTP and password+TOTP sign-in share: the passcode of the moment from one
/// source, the user's factors carrying it, and one token endpoint. The two
/// plugins differ only in the password and the method name.
/// </summary>
internal sealed class PasscodeSignIn
{
    private readonly UserFactors _factors;
    private readonly PasscodeSource _source;
    private readonly TimeProvider _time;

    /// <param name="o">The plugin's private snapshot of its options.</param>
    /// <param name="passcode">The one-shot passcode, if the options have one.</param>
    /// <param name="password">The password sent beside the passcode, or null for TOTP alone.</param>
    /// <param name="methodName">The method as logs and cache ids name it.</param>
    /// <param name="optionsType">The options type errors name.</param>
    /// <param name="httpClient">The client that sends the token request.</param>
    /// <param name="logger">Optional logger; never given a secret.</param>
    /// <param name="timeProvider">The clock the passcode is computed from.</param>
    public PasscodeSignIn(UserIdentityOptions o, string? passcode, string? password, string methodName, string optionsType, HttpClient httpClient, ILogger? logger, TimeProvider? timeProvider)
    {
        _time = timeProvider ?? TimeProvider.System;
        _source = PasscodeSource.From(passcode, o.TotpSecret, o.PasscodeProvider, optionsType)!;
        _factors = UserFactors.For(o.UserId, o.Username, o.UserDomainId, o.UserDomainName, password, _source);
        Endpoint = new TokenEndpoint(o, Scope.From(o), _factors, methodName, httpClient, logger, _time);
    }

    public TokenEndpoint Endpoint { get; }

    /// <summary>One token POST with the passcode of this moment (a one-shot passcode only once).</summary>
    public ValueTask<AccessInfo> GetAccessAsync(CancellationToken cancellationToken) =>
        new(_source.UseAsync(_time, passcode => Endpoint.AuthenticateAsync(_factors.WithPasscode(passcode), null, null, cancellationToken), cancellationToken));

    /// <summary>True, unless the passcode is one-shot: then no other token can be had.</summary>
    public bool MayReauthenticate => !_source.IsOneShot;
}
