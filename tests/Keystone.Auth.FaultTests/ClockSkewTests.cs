using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// The client's clock disagrees with Keystone's. The server writes issued_at and
/// expires_at in its own clock (client clock + skew) and rejects a token once
/// its real life is over; the client must neither use a token past that nor
/// fetch a new one on every call.
/// </summary>
public sealed class ClockSkewTests : FaultTestBase
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)] // Keystone 10 min ahead of us
    [InlineData(-10)] // Keystone 10 min behind us
    [InlineData(120)] // 2 h ahead: a naive client would use tokens an hour past their end
    [InlineData(-120)] // 2 h behind: every token would look expired on arrival
    public async Task Skewed_clocks_neither_use_tokens_past_their_life_nor_refetch_every_call(int skewMinutes)
    {
        var skew = TimeSpan.FromMinutes(skewMinutes);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Server.Clock = () => time.GetUtcNow() + skew;
        Server.TokenLifetime = TimeSpan.FromHours(1);
        using var client = new Harness(Server, time: time);

        // Three hours, one call a minute.
        for (var minute = 0; minute < 180; minute++)
        {
            using var response = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // Renewed 300 s before the end of each one-hour life: minutes 0, 55, 110, 165.
        Assert.Equal(4, Server.TokenPosts);
        Assert.Empty(Server.RejectedServiceTokens);
        Assert.Equal(180, Server.ServiceCalls);
    }

    [Fact]
    public async Task Local_expiry_is_measured_from_the_request_time_not_the_servers_expires_at()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Server.Clock = () => time.GetUtcNow() + TimeSpan.FromMinutes(30);
        using var client = new Harness(Server, time: time);
        var requested = time.GetUtcNow();

        var access = await client.PasswordAuth.GetAccessAsync();

        Assert.Equal(requested + TimeSpan.FromMinutes(30) + TimeSpan.FromHours(1), access.ExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(requested + TimeSpan.FromHours(1), access.LocalExpiresAt, TimeSpan.FromMilliseconds(1));
    }
}
