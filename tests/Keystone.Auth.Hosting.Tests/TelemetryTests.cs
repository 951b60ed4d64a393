using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace Keystone.Auth.Hosting.Tests;

/// <summary>
/// Meter and ActivitySource are process-wide, so these tests run alone
/// (no other test's measurements can be mixed in).
/// </summary>
[CollectionDefinition(nameof(TelemetryRunsAlone), DisableParallelization = true)]
public sealed class TelemetryRunsAlone;

[Collection(nameof(TelemetryRunsAlone))]
public sealed class TelemetryTests : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivitySource _testSource = new("Keystone.Auth.Hosting.Tests");

    public TelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Keystone.Auth")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _meters.Start();

        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Keystone.Auth" or "Keystone.Auth.Hosting.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _stopped.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_activities);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
        _testSource.Dispose();
    }

    [Fact]
    public async Task Token_requests_cache_lookups_invalidations_and_reauth_are_measured_without_secrets()
    {
        var transport = new CountingHandler(Fixtures.Cloud(["tok-secret-1", "tok-secret-2"], r =>
            r.RequestUri!.AbsolutePath.EndsWith("/rejected", StringComparison.Ordinal) && r.Headers.GetValues("X-Auth-Token").Single() == "tok-secret-1"
                ? Fixtures.Unauthorized()
                : new HttpResponseMessage(HttpStatusCode.OK)));
        using var provider = TestServices.Build(transport, services =>
        {
            services.AddKeystoneAuth(o => DependencyInjectionTests.CopyDefaults(o)).AddTokenCaching();
            services.AddKeystoneAuth("bad", o => DependencyInjectionTests.CopyDefaults(o, "https://10.9.9.9:5001/v3"));
            services.AddHttpClient<SysinvClient>().AddKeystoneAuthHandler(new EndpointFilter("platform", EndpointInterface.Admin));
        });
        var client = provider.GetRequiredService<SysinvClient>().Http;

        using (await client.GetAsync(new Uri("ihosts", UriKind.Relative)))
        {
        }

        using (var parent = _testSource.StartActivity("audit"))
        {
            using var rejected = await client.GetAsync(new Uri("rejected", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        await Assert.ThrowsAsync<AuthenticationFailedException>(async () => await provider.GetRequiredService<IKeystoneAuthFactory>().GetAuth("bad").GetAccessAsync());

        // HTTP truth: 2 successful token POSTs and 1 refused one.
        Assert.Equal(3, transport.TokenPosts);
        Assert.Equal(2, Sum("keystone.auth.token.requests", "outcome", "success"));
        Assert.Equal(1, Sum("keystone.auth.token.requests", "outcome", "authentication_failed"));
        Assert.Equal(3, Count("keystone.auth.token.request.duration"));
        Assert.All(Of("keystone.auth.token.request.duration"), m => Assert.True(m.Value >= 0));

        // ihosts: miss; rejected: hit, then 401 -> invalidate (removed) -> miss -> resend once.
        Assert.Equal(1, Sum("keystone.auth.cache.hits"));
        Assert.Equal(2, Sum("keystone.auth.cache.misses"));
        Assert.Equal(1, Sum("keystone.auth.cache.invalidations", "result", "removed"));
        Assert.Equal(1, Sum("keystone.auth.reauth.retries", "status", 401));
        Assert.Equal(2, transport.Requests.Count(r => r.Url.EndsWith("/rejected", StringComparison.Ordinal)));

        var tokenActivities = _stopped.Where(a => a.OperationName == "Keystone.Auth.TokenRequest").ToList();
        Assert.Equal(transport.TokenPosts, tokenActivities.Count);
        Assert.Equal(2, tokenActivities.Count(a => (string?)a.GetTagItem("keystone.outcome") == "success"));
        Assert.Single(tokenActivities, a => a.Status == ActivityStatusCode.Error);
        Assert.Contains(_stopped.Single(a => a.OperationName == "audit").Events, e => e.Name == "keystone.token_rejected");

        AssertNoSecrets(_measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString()));
        AssertNoSecrets(_stopped.SelectMany(a => a.TagObjects).Select(t => t.Value?.ToString()));
    }

    [Fact]
    public async Task Evictions_are_measured_by_reason()
    {
        var transport = new CountingHandler(r => Fixtures.TokenResponse("tok-" + r.RequestUri!.Host));
        using var provider = TestServices.Build(transport, services => services.AddKeystoneAuthFactory().AddTokenCaching(c => c.MaxEntries = 1));
        var factory = provider.GetRequiredService<IKeystoneAuthFactory>();

        for (var i = 1; i <= 3; i++)
        {
            await factory.CreateAuth(new PasswordAuthOptions { AuthUrl = $"https://10.0.0.{i}:5001/v3", UserId = "u", Password = Fixtures.Password }).GetAccessAsync();
        }

        Assert.Equal(3, transport.TokenPosts);
        Assert.Equal(2, Sum("keystone.auth.cache.evictions", "reason", "capacity"));
        AssertNoSecrets(_measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString()));
    }

    private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Of(string instrument) =>
        _measurements.Where(m => m.Instrument == instrument);

    private int Count(string instrument) => Of(instrument).Count();

    private double Sum(string instrument, string? tag = null, object? value = null) =>
        Of(instrument).Where(m => tag is null || m.Tags.Any(t => t.Key == tag && Equals(t.Value, value))).Sum(m => m.Value);

    private static void AssertNoSecrets(IEnumerable<string?> values)
    {
        foreach (var value in values.OfType<string>())
        {
            Assert.DoesNotContain(Fixtures.Password, value, StringComparison.Ordinal);
            Assert.DoesNotContain("tok-", value, StringComparison.Ordinal);
            Assert.DoesNotContain("dcmanager", value, StringComparison.Ordinal);
        }
    }
}
