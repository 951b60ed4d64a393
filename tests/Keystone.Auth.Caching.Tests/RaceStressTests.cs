using System.Collections.Concurrent;
using Keystone.Auth.Caching.Tests.TestSupport;

namespace Keystone.Auth.Caching.Tests;

/// <summary>
/// Issue 6 "Races": thousands of calls over many identities mixing hits, misses,
/// 401-style invalidations, expiries and capacity evictions, then the invariants.
/// </summary>
public sealed class RaceStressTests
{
    private const int Identities = 32;
    private const int Workers = 64;
    private const int Phases = 16;
    private const int IterationsPerPhase = 20;
    private const int Seed = 424242;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mixed_gets_invalidations_expiries_and_evictions_keep_every_invariant(bool refreshInBackground)
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var (failures, posts, calls, invalidations) = await RunAsync(refreshInBackground);
            GC.Collect();
            GC.WaitForPendingFinalizers();

            Assert.True(failures.IsEmpty, $"seed {Seed}: {failures.Count} violations, first: {string.Join("\n", failures.Take(10))}");
            Assert.Equal(Workers * Phases * IterationsPerPhase, calls);

            // The run really exercised what it claims to: renewals and re-fetches after
            // invalidation and eviction, far more POSTs than identities.
            Assert.True(invalidations > 1000, $"only {invalidations} invalidations");
            Assert.True(posts > 4 * Identities, $"only {posts} token POSTs");
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.DoesNotContain(unobserved, e => e.ToString().Contains("Keystone", StringComparison.Ordinal));
    }

    private static async Task<(ConcurrentQueue<string> Failures, int Posts, int Calls, int Invalidations)> RunAsync(bool refreshInBackground)
    {
        using var h = new CacheHarness(new TokenCacheOptions
        {
            RefreshInBackground = refreshInBackground,
            MaxEntries = 8,
            RefreshMargin = TimeSpan.FromSeconds(300),
            RefreshJitter = TimeSpan.FromSeconds(160),
        });

        // Lives from 10 min to 70 min, so identities expire at different times.
        h.Server.Lifetime = user => TimeSpan.FromSeconds(600 + (900 * (int.Parse(user.AsSpan(4), provider: null) % 5)));

        // Two plugin instances per identity: single flight must hold across instances.
        var auths = Enumerable.Range(0, Identities)
            .SelectMany(i => new[] { h.Auth("user" + i), h.Auth("user" + i) })
            .ToArray();
        var failures = new ConcurrentQueue<string>();
        var calls = 0;
        var invalidations = 0;
        var root = new Random(Seed);

        for (var phase = 0; phase < Phases; phase++)
        {
            var seeds = Enumerable.Range(0, Workers).Select(_ => root.Next()).ToArray();
            var workers = Task.WhenAll(seeds.Select(seed => Task.Run(async () =>
            {
                var r = new Random(seed);
                for (var i = 0; i < IterationsPerPhase; i++)
                {
                    var index = r.Next(auths.Length);
                    var auth = auths[index];
                    var user = "user" + (index / 2);
                    var access = await auth.GetAccessAsync();
                    Interlocked.Increment(ref calls);
                    Check(access, user, h, failures);

                    if (r.Next(3) == 0)
                    {
                        // A 401 for this token, reported through either instance of the identity.
                        auths[(index & ~1) + r.Next(2)].Invalidate(access);
                        Interlocked.Increment(ref invalidations);
                        var fresh = await auth.GetAccessAsync();
                        Check(fresh, user, h, failures);
                        if (fresh.Token == access.Token)
                        {
                            failures.Enqueue($"{user}: handed {access.Token} again right after invalidating it");
                        }
                    }
                }
            })));

            // Small clock steps while calls run (tokens cross their renewal instant
            // mid-call); bounded to 40 s a phase so "expired on return" stays exact.
            var clock = Task.Run(async () =>
            {
                for (var step = 0; step < 20 && !workers.IsCompleted; step++)
                {
                    h.Time.Advance(TimeSpan.FromSeconds(2));
                    await Task.WhenAny(workers, Task.Delay(1));
                }
            });

            await Task.WhenAll(workers, clock).WaitAsync(TimeSpan.FromMinutes(2));

            // Between phases: a big jump, so many identities expire or come due at once.
            h.Time.Advance(TimeSpan.FromSeconds(root.Next(0, 1500)));
        }

        if (h.Server.MaxInFlightPerUser != 1)
        {
            failures.Enqueue($"up to {h.Server.MaxInFlightPerUser} token POSTs for one identity were in flight at once");
        }

        return (failures, h.Server.Posts, calls, invalidations);
    }

    private static void Check(AccessInfo access, string user, CacheHarness h, ConcurrentQueue<string> failures)
    {
        var now = h.Time.GetUtcNow();
        if (access.LocalExpiresAt <= now)
        {
            failures.Enqueue($"{user}: handed {access.Token} expiring {access.LocalExpiresAt:O} at {now:O}");
        }

        if (access.User?.Name != user)
        {
            failures.Enqueue($"{user}: handed {access.Token} of {access.User?.Name}");
        }
    }
}
