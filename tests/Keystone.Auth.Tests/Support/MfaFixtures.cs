using System.Net;
using System.Text;

namespace Keystone.Auth.Tests;

/// <summary>Keystone's multi-factor answers, shaped like its receipt handler writes them.</summary>
internal static class MfaFixtures
{
    /// <summary>RFC 6238's ASCII secret "12345678901234567890" in base32.</summary>
    public const string Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /// <summary>Unix time 59: the RFC's first vector; 6 digits "287082".</summary>
    public static readonly DateTimeOffset At59 = DateTimeOffset.FromUnixTimeSeconds(59);

    public const string PasscodeAt59 = "287082";

    public const string Receipt = "rcpt-gAAAAABreceipt0123456789";

    public static string ReceiptBody(string completed = "\"password\"", string rules = "[[\"password\",\"totp\"]]") =>
        $$$"""{"receipt":{"methods":[{{{completed}}}],"user":{"id":"u-1","name":"mfa","domain":{"id":"default","name":"Default"}},"expires_at":"2099-01-01T00:05:00.000000Z","issued_at":"2099-01-01T00:00:00.000000Z"},"required_auth_methods":{{{rules}}}}""";

    /// <summary>401 with the receipt header and body.</summary>
    public static HttpResponseMessage ReceiptResponse(string receipt = Receipt, string? body = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent(body ?? ReceiptBody(), Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("Openstack-Auth-Receipt", receipt);
        return response;
    }

    public static HttpResponseMessage Unauthorized() => new(HttpStatusCode.Unauthorized)
    {
        Content = new StringContent(Fixtures.UnauthorizedBody, Encoding.UTF8, "application/json"),
    };

    /// <summary>Answers the token POSTs in order with the given replies; any further POST fails the test.</summary>
    public static Func<RecordedRequest, HttpResponseMessage> Script(params Func<HttpResponseMessage>[] replies)
    {
        var next = 0;
        return _ => next < replies.Length
            ? replies[next++]()
            : throw new Xunit.Sdk.XunitException($"Token POST {next + 1} was not expected");
    }

    public static Func<HttpResponseMessage> Token(string value = "tok-mfa") => () => Fixtures.TokenResponse(value);
}
