using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Keystone.Auth.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// Resolved from DI, the token endpoint, the cache and the shared tier take their instruments from
/// the container's IMeterFactory: a listener scoped to one container's meters
/// sees that container's counts only.
/// </summary>
public sealed class MeterFactoryTests
{
    [Fact]
    public async Task Two_containers_count_cache_hits_and_misses_apart()
    {
        using var fakeA = new FakeKeystoneHandler();
        using var fakeB = new FakeKeystoneHandler();
        using var a = Container(fakeA);
        using var b = Container(fakeB);
        var factoryA = a.GetRequiredService<IMeterFactory>();
        var factoryB = b.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentDictionary<(object Factory, string Instrument), long>();
        using var listener = ScopedListener(counts, factoryA, factoryB);

        var authA = a.GetRequiredService<IAuthPlugin>();
        var authB = b.GetRequiredService<IAuthPlugin>();
        for (var i = 0; i < 5; i++)
        {
            await authA.GetAccessAsync();
        }

        await authB.GetAccessAsync();
        await authB.GetAccessAsync();

        Assert.Equal((1, 1), (fakeA.TokenRequestCount, fakeB.TokenRequestCount));
        Assert.Equal(1, counts.GetValueOrDefault((factoryA, "keystone.auth.cache.misses")));
        Assert.Equal(4, counts.GetValueOrDefault((factoryA, "keystone.auth.cache.hits")));
        Assert.Equal(1, counts.GetValueOrDefault((factoryB, "keystone.auth.cache.misses")));
        Assert.Equal(1, counts.GetValueOrDefault((factoryB, "keystone.auth.cache.hits")));
        Assert.Equal(1, counts.GetValueOrDefault((factoryA, "keystone.auth.token.requests")));
        Assert.Equal(1, counts.GetValueOrDefault((factoryB, "keystone.auth.token.requests")));
    }

    [Fact]
    public async Task A_hit_counted_on_the_containers_meter_allocates_nothing()
    {
        using var fake = new FakeKeystoneHandler();
        using var provider = Container(fake);
        var factory = provider.GetRequiredService<IMeterFactory>();
        long hits = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "keystone.auth.cache.hits")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref hits, value));
        listener.Start();
        var auth = provider.GetRequiredService<IAuthPlugin>();
        await auth.GetAccessAsync();

        // A hit completes synchronously: each ValueTask is read once, never awaited.
#pragma warning disable CA2012
        for (var i = 0; i < 100; i++)
        {
            Assert.True(auth.GetAccessAsync().IsCompletedSuccessfully);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var hit = auth.GetAccessAsync();
            Assert.True(hit.IsCompletedSuccessfully);
        }
#pragma warning restore CA2012

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1100, Interlocked.Read(ref hits));
        Assert.Equal(1, fake.TokenRequestCount);
    }

    [Fact]
    public async Task The_shared_tiers_instruments_are_on_the_containers_meter()
    {
        using var provider = Container(new FakeKeystoneHandler(), s => s.AddKeystoneAuth(o =>
        {
            o.AuthUrl = "https://keystone.test:5000/v3";
            o.UserId = "u";
            o.Password = "p";
        }).AddTokenCaching().AddRedisTokenStore(o => o.Configuration = "127.0.0.1:1,connectTimeout=200"));
        var factory = provider.GetRequiredService<IMeterFactory>();
        var published = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    published.Enqueue(instrument.Name);
                }
            },
        };
        listener.Start();

        // The store connects in the background (to nothing here); its instruments
        // appear once it exists.
        _ = provider.GetRequiredService<ITokenStore>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!published.Contains("keystone.auth.store.hits"))
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.Contains("keystone.auth.store.breaker.open", published);
    }

    [Fact]
    public async Task Retries_of_a_DI_session_and_handler_count_on_their_own_containers_meter()
    {
        using var fakeA = new FakeKeystoneHandler();
        using var fakeB = new FakeKeystoneHandler();
        using var a = Container(fakeA, s =>
        {
            var builder = s.AddKeystoneAuth(o =>
            {
                o.AuthUrl = fakeA.AuthUrl;
                o.UserId = "u";
                o.Password = "p";
                o.ProjectId = "p1";
            }).AddTokenCaching();
            s.AddHttpClient("svc").AddKeystoneAuthHandler().ConfigurePrimaryHttpMessageHandler(() => fakeA);
            return builder;
        });
        using var b = Container(fakeB);
        var (factoryA, factoryB) = (a.GetRequiredService<IMeterFactory>(), b.GetRequiredService<IMeterFactory>());
        var counts = new ConcurrentDictionary<(object Factory, string Instrument), long>();
        using var listener = ScopedListener(counts, factoryA, factoryB);
        using var session = a.GetRequiredService<IKeystoneAuthFactory>().CreateSession(Microsoft.Extensions.Options.Options.DefaultName);
        var handlerClient = a.GetRequiredService<IHttpClientFactory>().CreateClient("svc");
        using (await session.GetAsync(fakeA.ServiceUrl.AbsoluteUri))
        {
        }

        fakeA.RotateKeys();                                  // the session's next call: 401, new token, resend
        using (await session.GetAsync(fakeA.ServiceUrl.AbsoluteUri))
        {
        }

        fakeA.RotateKeys();                                  // and the handler's
        using (await handlerClient.GetAsync(fakeA.ServiceUrl))
        {
        }

        Assert.Equal(2, fakeA.RejectedServiceRequestCount);  // counted at the fake: two 401s, two resends
        Assert.Equal(2, counts.GetValueOrDefault((factoryA, "keystone.auth.reauth.retries")));
        Assert.Equal(0, counts.GetValueOrDefault((factoryB, "keystone.auth.reauth.retries")));
    }

    private static ServiceProvider Container(FakeKeystoneHandler fake, Func<IServiceCollection, IKeystoneAuthBuilder>? register = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        register ??= s => s.AddKeystoneAuth(o =>
        {
            o.AuthUrl = fake.AuthUrl;
            o.UserId = "u";
            o.Password = "p";
            o.ProjectId = "p1";
        }).AddTokenCaching();
        register(services);
        services.AddHttpClient(KeystoneAuthOptions.DefaultHttpClientName).ConfigurePrimaryHttpMessageHandler(() => fake);
        return services.BuildServiceProvider();
    }

    private static MeterListener ScopedListener(ConcurrentDictionary<(object, string), long> counts, params IMeterFactory[] factories)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Meters a factory creates carry it as their Scope.
                if (factories.FirstOrDefault(f => ReferenceEquals(instrument.Meter.Scope, f)) is { } owner)
                {
                    l.EnableMeasurementEvents(instrument, owner);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, state) => counts.AddOrUpdate((state!, instrument.Name), value, (_, sum) => sum + value));
        listener.Start();
        return listener;
    }
}
