using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>The breaker's state machine on a fake clock: no Redis, no waiting.</summary>
public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<bool> _changes = [];

    private CircuitBreaker NewBreaker()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), _time);
        breaker.StateChanged += _changes.Add;
        return breaker;
    }

    [Fact]
    public void It_opens_after_the_threshold_of_consecutive_failures_only()
    {
        var breaker = NewBreaker();
        breaker.Failed();
        breaker.Failed();
        breaker.Succeeded();   // resets the count
        breaker.Failed();
        breaker.Failed();
        Assert.False(breaker.IsOpen);

        breaker.Failed();

        Assert.True(breaker.IsOpen);
        Assert.False(breaker.TryEnter());
        Assert.Equal([true], _changes);
    }

    [Fact]
    public void After_the_delay_exactly_one_probe_goes_through_and_its_success_closes_it()
    {
        var breaker = NewBreaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed();
        }

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryEnter());
        _time.Advance(TimeSpan.FromSeconds(0.2));

        Assert.True(breaker.TryEnter());    // the probe
        Assert.False(breaker.TryEnter());   // everyone else still skips Redis
        breaker.Succeeded();

        Assert.False(breaker.IsOpen);
        Assert.True(breaker.TryEnter());
        Assert.Equal([true, false], _changes);
    }

    [Fact]
    public void A_failed_probe_keeps_it_open_for_another_full_delay_without_a_second_warning()
    {
        var breaker = NewBreaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed();
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
        breaker.Failed();

        Assert.True(breaker.IsOpen);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryEnter());
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(breaker.TryEnter());
        Assert.Equal([true], _changes);
    }

    [Fact]
    public void A_probe_abandoned_by_its_caller_lets_the_next_call_probe()
    {
        var breaker = NewBreaker();
        for (var i = 0; i < 3; i++)
        {
            breaker.Failed();
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
        breaker.Abandoned();

        Assert.True(breaker.TryEnter());
    }
}
