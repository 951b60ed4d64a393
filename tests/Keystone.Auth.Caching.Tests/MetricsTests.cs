using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>The cache's counters are process-wide, so these tests run alone.</summary>
[CollectionDefinition(nameof(SerialMetrics), DisableParallelization = true)]
public sealed class SerialMetrics;

[Collection(nameof(SerialMetrics))]
public sealed class MetricsTests
{
    private sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags);

    [Fact]
    public async Task Hits_misses_invalidations_and_evictions_are_counted_and_tags_hold_no_secret()
    {
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(measurements);

        var cacheLog = new CapturingLogger<TokenCache>();
        using var h = new CacheHarness(new TokenCacheOptions { MaxEntries = 2, RefreshJitter = TimeSpan.Zero }, cacheLog);
        var a = h.Auth("alice");

        var tok1 = await a.GetAccessAsync();               // miss
        await a.GetAccessAsync();                          // hit
        await a.GetAccessAsync();                          // hit
        a.Invalidate(tok1);                                // removed
        var tok2 = await a.GetAccessAsync();               // miss
        a.Invalidate(tok1);                                // already replaced
        Assert.Equal(2, Sum(measurements, "keystone.auth.cache.misses"));
        Assert.Equal(2, Sum(measurements, "keystone.auth.cache.hits"));
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.invalidations", ("result", "removed")));
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.invalidations", ("result", "already_replaced")));
        Assert.Equal(0, Sum(measurements, "keystone.auth.cache.evictions"));

        // Over the bound of 2: one entry goes for capacity.
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var b = h.Auth("bob");
        await b.GetAccessAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var c = h.Auth("carol");
        await c.GetAccessAsync();
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.evictions", ("reason", "capacity")));

        // Everything expires; the next newcomer pushes out expired entries first.
        h.Time.Advance(TimeSpan.FromHours(2));
        var d = h.Auth("dave");
        await d.GetAccessAsync();
        Assert.True(Sum(measurements, "keystone.auth.cache.evictions", ("reason", "expired")) >= 1);
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.evictions", ("reason", "capacity")));
        Assert.Equal(5, h.Server.Posts);

        // No tag value and no log line holds a token, the password or a cache key.
        var secrets = new List<string> { CacheHarness.Password, tok1.Token, tok2.Token, "tok-3", "tok-4", "tok-5" };
        secrets.AddRange(new IAuthPlugin[] { a, b, c, d }.Select(x => x.GetCacheId()!));
        var tagValues = measurements.SelectMany(m => m.Tags).Select(t => $"{t.Key}={t.Value}").ToArray();
        Assert.NotEmpty(tagValues);
        Assert.NotEmpty(cacheLog.Lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(tagValues, t => t.Contains(secret, StringComparison.Ordinal) || (secret.Length == 64 && t.Contains(secret[..8], StringComparison.Ordinal)));
            Assert.DoesNotContain(cacheLog.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Background_renewals_are_counted_by_result()
    {
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(measurements);
        using var h = new CacheHarness(new TokenCacheOptions { RefreshJitter = TimeSpan.Zero, RefreshInBackground = true });
        var auth = h.Auth();
        var first = await auth.GetAccessAsync();
        h.Server.Fault = n => n == 2 ? TokenServer.Error(System.Net.HttpStatusCode.ServiceUnavailable, "down") : null;

        // Due: the first background renewal fails, the one 15 s later succeeds.
        h.Time.SetUtcNow(first.LocalExpiresAt - TimeSpan.FromSeconds(299));
        await auth.GetAccessAsync();
        Assert.True(await Wait.UntilAsync(() => Sum(measurements, "keystone.auth.cache.background_renewals") == 1));
        h.Time.Advance(TimeSpan.FromSeconds(15));
        await auth.GetAccessAsync();
        Assert.True(await Wait.UntilAsync(() => Sum(measurements, "keystone.auth.cache.background_renewals") == 2));

        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.background_renewals", ("result", "failed")));
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.background_renewals", ("result", "succeeded")));
        Assert.Equal(1, Sum(measurements, "keystone.auth.cache.misses")); // the cold start only: no caller waited for a renewal
        Assert.Equal(3, h.Server.Posts);
    }

    private static MeterListener Listen(ConcurrentQueue<Measurement> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Keystone.Auth")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue(new(i.Name, v, tags.ToArray())));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue(new(i.Name, v, tags.ToArray())));
        listener.Start();
        return listener;
    }

    private static double Sum(IEnumerable<Measurement> measurements, string instrument, (string Key, string Value)? tag = null) =>
        measurements
            .Where(m => m.Instrument == instrument)
            .Where(m => tag is not { } t || m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value)))
            .Sum(m => m.Value);
}
