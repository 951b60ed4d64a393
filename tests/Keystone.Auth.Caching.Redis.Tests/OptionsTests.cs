namespace Keystone.Auth.Caching.Redis.Tests;

/// <summary>Bad options and keys fail typed, before any network call, naming the field and never a secret.</summary>
public sealed class OptionsTests
{
    [Fact]
    public async Task A_missing_configuration_is_refused_naming_it()
    {
        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => RedisTokenStore.ConnectAsync(new RedisTokenStoreOptions()));
        Assert.Contains("Configuration is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unparseable_configuration_is_refused_without_quoting_it()
    {
        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => RedisTokenStore.ConnectAsync(
            new RedisTokenStoreOptions { Configuration = "127.0.0.1:1,password=Sup3rS3cret,noSuchKeyword=1" }));
        Assert.Contains("Configuration is not a valid", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rS3cret", ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectTimeout")]
    [InlineData("OperationTimeout")]
    [InlineData("BreakerOpenDuration")]
    [InlineData("WaitPollInterval")]
    [InlineData("BreakerFailureThreshold")]
    public async Task Non_positive_limits_are_refused_naming_the_option(string option)
    {
        var options = new RedisTokenStoreOptions { Configuration = "127.0.0.1:1" };
        switch (option)
        {
            case "ConnectTimeout": options.ConnectTimeout = TimeSpan.Zero; break;
            case "OperationTimeout": options.OperationTimeout = TimeSpan.FromSeconds(-1); break;
            case "BreakerOpenDuration": options.BreakerOpenDuration = TimeSpan.Zero; break;
            case "WaitPollInterval": options.WaitPollInterval = TimeSpan.Zero; break;
            default: options.BreakerFailureThreshold = 0; break;
        }

        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => RedisTokenStore.ConnectAsync(options));
        Assert.Single(ex.Failures);
        Assert.StartsWith(option, ex.Failures[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 32, "EntryName is required")]
    [InlineData("has space", 32, "EntryName may contain only")]
    [InlineData("user:alice", 32, "EntryName may contain only")]
    [InlineData("abc", 16, "Key must be exactly 32 bytes (got 16)")]
    public void A_bad_store_key_is_refused_naming_the_field(string name, int keyLength, string expected)
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => new TokenStoreKey(name, new byte[keyLength]));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_too_long_entry_name_is_refused()
    {
        var ex = Assert.Throws<InvalidOptionsException>(() => new TokenStoreKey(new string('a', 201), new byte[32]));
        Assert.Contains("at most 200", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_secret_shows_in_ToString()
    {
        var secret = new byte[32];
        secret.AsSpan().Fill(0xAB);
        var key = new TokenStoreKey("fingerprint-1", secret);
        Assert.Equal("TokenStoreKey(fingerprint-1)", key.ToString());

        var entry = new TokenStoreEntry(TestKeys.Payload("gAAAAA-token"), TimeSpan.FromSeconds(3));
        Assert.DoesNotContain("gAAAAA", entry.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("AB", new TokenStoreInvalidation("n", secret).ToString(), StringComparison.Ordinal);
    }
}
