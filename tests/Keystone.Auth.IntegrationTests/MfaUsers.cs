using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Keystone.Auth.IntegrationTests;

/// <summary>
/// Plain-HTTP admin calls (no Keystone.Auth code) that make a user with
/// multi-factor rules <c>[["password","totp"]]</c>, a TOTP credential and the
/// member role on the fixture's first project.
/// </summary>
internal sealed class MfaUsers(KeystoneFixture fx) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = TestHttp.DefaultConnectTimeout }) { Timeout = TimeSpan.FromSeconds(60) };

    /// <param name="multiFactorRules">
    /// False: no rules, so TOTP alone signs in. Set at creation, because
    /// changing them later reaches only one uwsgi worker's cache.
    /// </param>
    public async Task<MfaUser> CreateAsync(bool multiFactorRules = true)
    {
        var admin = await fx.Admin.AdminTokenAsync();
        var name = "ksit-mfa-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var password = "mfa-Integration-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var body = new JsonObject { ["name"] = name, ["domain_id"] = "default", ["password"] = password, ["enabled"] = true };
        if (multiFactorRules)
        {
            body["options"] = new JsonObject
            {
                ["multi_factor_auth_enabled"] = true,
                ["multi_factor_auth_rules"] = new JsonArray(new JsonArray("password", "totp")),
            };
        }

        var user = await PostAsync(admin, "users", "user", body);
        var userId = user["id"]!.GetValue<string>();

        // 20 random bytes as unpadded base32: the form Keystone stores and pads itself.
        var secret = Base32(RandomNumberGenerator.GetBytes(20));
        await PostAsync(admin, "credentials", "credential", new JsonObject { ["type"] = "totp", ["blob"] = secret, ["user_id"] = userId });

        var roles = await SendAsync(admin, HttpMethod.Get, "roles?name=member", null);
        var memberId = roles["roles"]!.AsArray().Single()!["id"]!.GetValue<string>();
        await SendAsync(admin, HttpMethod.Put, $"projects/{fx.Seed.AlphaId}/users/{userId}/roles/{memberId}", null);
        return new MfaUser(userId, name, password, secret);
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> PostAsync(string token, string collection, string member, JsonObject body) =>
        (await SendAsync(token, HttpMethod.Post, collection, new JsonObject { [member] = body }))[member]!.AsObject();

    private async Task<JsonObject> SendAsync(string token, HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, $"{fx.AuthUrl}/{path}");
        request.Headers.Add("X-Auth-Token", token);
        if (body is not null)
        {
            // Buffered with a Content-Length: uwsgi's http-socket does not read chunked bodies.
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Keystone admin API: {method} /{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return response.Content.Headers.ContentLength is 0 or null && method == HttpMethod.Put
            ? []
            : await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
    }

    /// <summary>
    /// RFC 6238 (HMAC-SHA1, 6 digits, 30 s), written here independently of the
    /// library so the test does not check the code with itself.
    /// </summary>
    public static string Passcode(string base32, DateTimeOffset at)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var key = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in base32)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                key.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        var counter = BitConverter.GetBytes(at.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // Keystone's TOTP is HMAC-SHA1.
        var hash = HMACSHA1.HashData(key.ToArray(), counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var code = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (code % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                text.Append(alphabet[(buffer >> bits) & 31]);
            }
        }

        if (bits > 0)
        {
            text.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return text.ToString();
    }
}

/// <summary>A user whose rules need password and TOTP, with its TOTP secret.</summary>
internal sealed record MfaUser(string Id, string Name, string Password, string TotpSecret);
