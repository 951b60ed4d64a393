using System.Text;
using System.Text.Json;
using Keystone.Auth.Identity;

namespace Keystone.Auth.Tests;

/// <summary>
/// What the shared token request offers a method that is not written yet
/// (password + TOTP, MFA receipts): several <c>methods</c> entries from one
/// method, and a receipt header on the wire. Checked at the handler.
/// </summary>
public sealed class TokenEndpointSeamTests
{
    [Fact]
    public async Task A_method_can_send_several_entries_and_a_receipt()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var options = new TokenAuthOptions { AuthUrl = Fixtures.AuthUrl, Token = "unused", ProjectId = "p-1" };
        var endpoint = new TokenEndpoint(options, Scope.From(options), new TwoFactor(), "password+totp", http, null, null);

        await endpoint.AuthenticateAsync("receipt-1", CancellationToken.None);

        var sent = Assert.Single(cloud.TokenPosts);
        Assert.Equal(
            """{"auth":{"identity":{"methods":["password","totp"],"password":{"user":{"id":"u-1","password":"pw"}},"totp":{"user":{"id":"u-1","passcode":"123456"}}},"scope":{"project":{"id":"p-1"}}}}""",
            Encoding.UTF8.GetString(sent.Body!));
        Assert.Equal("receipt-1", sent.Header(TokenEndpoint.ReceiptHeader));
    }

    [Fact]
    public async Task Without_a_receipt_no_receipt_header_is_sent()
    {
        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        await auth.GetAccessAsync();

        Assert.Null(Assert.Single(cloud.TokenPosts).Header(TokenEndpoint.ReceiptHeader));
    }

    private sealed class TwoFactor : IIdentityMethod
    {
        public IReadOnlyList<string> Methods { get; } = ["password", "totp"];

        public void WriteMethods(Utf8JsonWriter w)
        {
            foreach (var (name, field, value) in new[] { ("password", "password", "pw"), ("totp", "passcode", "123456") })
            {
                w.WriteStartObject(name);
                w.WriteStartObject("user");
                w.WriteString("id", "u-1");
                w.WriteString(field, value);
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }

        public void AddCacheElements(CacheIdentity identity) => identity.AddSecret("password", "pw");

        public string Describe() => "user id u-1";
    }
}
