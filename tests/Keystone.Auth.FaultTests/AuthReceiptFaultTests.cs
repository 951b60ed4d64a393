using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// MFA auth receipts over real sockets, through the cache and the session: a
/// password identity with a TOTP secret meets Keystone's 401 + receipt with
/// exactly one more POST carrying the receipt and TOTP alone; a wrong passcode
/// caches nothing. Every POST, header and body is seen at the server.
/// </summary>
public sealed class AuthReceiptFaultTests : FaultTestBase
{
    private const string Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private const string Receipt = "gAAAAABreceipt-fault-test";
    private const string ReceiptBody =
        """{"receipt":{"methods":["password"],"user":{"id":"u-1","name":"dcmanager","domain":{"id":"default","name":"Default"}},"expires_at":"2099-01-01T00:05:00.000000Z","issued_at":"2099-01-01T00:00:00.000000Z"},"required_auth_methods":[["password","totp"]]}""";

    private readonly ConcurrentQueue<(string? Receipt, string Body)> _seen = new();

    [Fact]
    public async Task A_receipt_is_continued_with_totp_in_one_more_post_and_the_token_is_cached()
    {
        Server.OnToken(Record(WriteReceiptAsync));
        Server.OnToken(Record(Server.IssueTokenAsync));
        using var client = new Harness(Server, o => o.TotpSecret = Secret);

        using (var ok = await client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var again = await client.Session.GetAsync("/y", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(2, Server.TokenPosts);
        var seen = _seen.ToArray();
        Assert.Null(seen[0].Receipt);
        Assert.Contains("\"methods\":[\"password\"]", seen[0].Body, StringComparison.Ordinal);
        Assert.Equal(Receipt, seen[1].Receipt);
        Assert.StartsWith("""{"auth":{"identity":{"methods":["totp"],"totp":{"user":{"name":"dcmanager","domain":{"name":"Default"},"passcode":""", seen[1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("password", seen[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_passcode_fails_typed_and_leaves_nothing_cached()
    {
        Server.OnToken(Record(WriteReceiptAsync));
        Server.OnToken(Record(Server.Write401Async));
        Server.OnToken(Record(WriteReceiptAsync));
        using var client = new Harness(Server, o => o.TotpSecret = Secret);

        var ex = await Assert.ThrowsAsync<AuthenticationFailedException>(() => client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard));

        Assert.IsNotType<MultiFactorRequiredException>(ex);
        Assert.Equal(2, Server.TokenPosts);
        Assert.Equal(0, Server.ServiceCalls);

        // Nothing was cached: the next call signs in again (receipt, then TOTP), and that token is then reused.
        using (var ok = await client.Session.GetAsync("/x", Harness.Compute).WaitAsync(Guard))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        Assert.Equal(4, Server.TokenPosts);
        Assert.Equal(Server.IssuedTokens.Single(), (await client.Caching.GetAccessAsync().AsTask().WaitAsync(Guard)).Token);
        Assert.Equal(4, Server.TokenPosts);
    }

    private Func<HttpContext, Task> Record(Func<HttpContext, Task> then) => async context =>
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        _seen.Enqueue((context.Request.Headers["Openstack-Auth-Receipt"].FirstOrDefault(), body));
        await then(context);
    };

    private static Task WriteReceiptAsync(HttpContext context) =>
        Faults.Status(401, ReceiptBody, "application/json", ("Openstack-Auth-Receipt", Receipt))(context);
}
