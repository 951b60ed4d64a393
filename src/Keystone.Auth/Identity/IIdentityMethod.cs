using System.Net;
using System.Text.Json;

namespace Keystone.Auth.Identity;

/// <summary>
/// An auth method, as the shared token request sees it: what it puts in
/// <c>auth.identity</c>, what of it decides the token (cache identity), and how
/// it is named in logs. One method may contribute several <c>methods</c>
/// entries (e.g. <c>password</c> + <c>totp</c>); the base writes the list and
/// then asks the method to write each entry's object.
/// </summary>
internal interface IIdentityMethod
{
    /// <summary>The <c>identity.methods</c> entries, in order, e.g. <c>["password"]</c>.</summary>
    IReadOnlyList<string> Methods { get; }

    /// <summary>
    /// Writes one property per entry of <see cref="Methods"/> inside the
    /// <c>identity</c> object (e.g. <c>"password":{…}</c>). The buffer is wiped
    /// after the send, so secrets may be written here.
    /// </summary>
    void WriteMethods(Utf8JsonWriter writer);

    /// <summary>Adds what decides the token besides URL, scope and catalog flag: user, credential id, secret.</summary>
    void AddCacheElements(CacheIdentity identity);

    /// <summary>Who authenticates, for logs and ToString; never a secret.</summary>
    string Describe();

    /// <summary>
    /// Whether a token request refused with <paramref name="status"/> means the
    /// credentials themselves were refused (<see cref="AuthenticationFailedException"/>).
    /// 401 for every method; a method whose credential Keystone reports otherwise adds its status.
    /// </summary>
    bool IsAuthenticationFailure(HttpStatusCode status) => status == HttpStatusCode.Unauthorized;
}
