namespace Keystone.Auth.Fleet.Tests;

/// <summary>
/// 200 subclouds on their own loopback addresses, 20 workers, 3 virtual hours:
/// keys of a tenth replaced at 0:30, Keystone down for another tenth from 1:00
/// to 2:00 (every token renewal of those falls in it), a third tenth moved to
/// new addresses at 2:30. Every count below is taken at the fake Keystone and
/// platform API, or from /proc; the library is only the thing under test.
/// </summary>
public sealed class SmallFleetTests
{
    private static readonly FleetOptions Small = new()
    {
        Subclouds = 200,
        Workers = 20,
        Duration = TimeSpan.FromHours(3),
        RotationAt = TimeSpan.FromMinutes(30),
        OutageFrom = TimeSpan.FromHours(1),
        OutageTo = TimeSpan.FromHours(2),
        MoveAt = TimeSpan.FromMinutes(150),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
        Verbose = false,
    };

    [Fact]
    public async Task A_small_fleet_meets_the_issue_figures_over_three_simulated_hours()
    {
        var o = Small;
        var r = await new FleetRun(o, TextWriter.Null).RunAsync();

        // Token POSTs: 1 at cold start, then 1 per token life. A token issued at
        // an audit is renewed at the audit that finds it within 5-7.7 min of its
        // 60-min end: 55 min later. So 1 + 3 in 180 min, for every untouched subcloud.
        var untouched = r.Subclouds.Where(s => !o.IsRotated(s.Index) && !o.IsInOutage(s.Index) && !o.IsMoved(s.Index)).ToList();
        Assert.Equal(140, untouched.Count);
        Assert.All(untouched, s =>
        {
            Assert.Equal(1, s.PostsByReason[(int)PostReason.First]);
            Assert.Equal(3, s.PostsByReason[(int)PostReason.Renewal]);
            Assert.Equal(4, s.PostsByReason.Sum());
        });
        Assert.Equal(0, r.Posts(PostReason.Unexplained));

        // Rotation: exactly one extra POST per rotated subcloud, none elsewhere.
        Assert.All(r.Subclouds, s => Assert.Equal(o.IsRotated(s.Index) ? 1 : 0, s.PostsByReason[(int)PostReason.AfterRejection]));

        // Address change: one POST at each new address, and nothing answered at an old one after the move.
        Assert.All(r.Subclouds, s => Assert.Equal(o.IsMoved(s.Index) ? 1 : 0, s.PostsByReason[(int)PostReason.AddressChange]));
        Assert.Equal(0, r.Server.StaleAddressRequests.Sum());

        // Failures only during the outage, each a typed error; recovered at the first audit after it.
        Assert.True(r.Server.RefusedPosts.Sum() >= 20, $"refused POSTs {r.Server.RefusedPosts.Sum()}");
        Assert.True(r.FailedCalls >= 20, $"failed calls {r.FailedCalls}");
        Assert.Equal(0, r.FailedOutsideOutage);
        Assert.Equal(r.FailedCalls, r.FailedTyped);
        Assert.Equal(0, r.NotRecoveredInOneCycle);
        Assert.Equal(r.Server.ApiCalls.Sum(), r.SucceededCalls + r.Server.ApiRejected.Sum() + 4L * o.Subclouds); // + the latency comparison after the day

        // Sockets, from /proc: one pooled platform connection per subcloud at most
        // (the fake Keystone closes after each token), far below N x MaxConnectionsPerServer.
        Assert.InRange(r.Peak.ClientOpen, o.Subclouds / 2, o.Subclouds + o.Workers);
        Assert.InRange(r.Peak.FileDescriptors, 0, r.Baseline.FileDescriptors + 2 * (o.Subclouds + o.Workers) + 50);

        // After the run, nothing disposed: the idle timeout alone closes every client socket.
        Assert.Equal(0, r.AfterIdle.ClientOpen);
        Assert.InRange(r.SecondsToIdle, 0, o.PooledConnectionIdleTimeout.TotalSeconds + 10);

        // After disposal: no client socket, descriptors back near where they started.
        Assert.Equal(0, r.AfterDisposal.ClientOpen);
        Assert.InRange(r.AfterDisposal.FileDescriptors, 0, r.Baseline.FileDescriptors + 50);
    }

    [Fact]
    public async Task Token_posts_do_not_depend_on_the_number_of_workers()
    {
        // No events inside the 2 hours: only the cold start and renewals.
        var quiet = Small with
        {
            Subclouds = 60,
            Duration = TimeSpan.FromHours(2),
            RotationAt = TimeSpan.FromHours(9),
            OutageFrom = TimeSpan.FromHours(9),
            OutageTo = TimeSpan.FromHours(10),
            MoveAt = TimeSpan.FromHours(9),
        };
        var one = await new FleetRun(quiet with { Workers = 1 }, TextWriter.Null).RunAsync();
        var many = await new FleetRun(quiet with { Workers = 50 }, TextWriter.Null).RunAsync();

        // 1 + 2 renewals (at 55 and 110 min) per subcloud, whatever M is.
        Assert.All(one.Subclouds, s => Assert.Equal(3, s.PostsByReason.Sum()));
        Assert.All(many.Subclouds, s => Assert.Equal(3, s.PostsByReason.Sum()));
        Assert.Equal(180, one.Server.TokenPosts.Sum());
        Assert.Equal(180, many.Server.TokenPosts.Sum());
        Assert.Equal(0, one.FailedCalls + many.FailedCalls);
    }
}
