using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Keystone.Auth.Caching.Redis.DependencyInjection;

/// <summary>Start-up validation of <see cref="RedisTokenStoreOptions"/>; failures name the option, never the configuration string.</summary>
internal sealed class RedisTokenStoreOptionsValidator : IValidateOptions<RedisTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count == 0)
        {
            try
            {
                if (ConfigurationOptions.Parse(options.Configuration).EndPoints.Count == 0)
                {
                    failures.Add("Configuration names no Redis endpoint (expected \"host:port,...\")");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                failures.Add("Configuration is not a valid StackExchange.Redis configuration string (expected \"host:port,keyword=value,...\")");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => nameof(RedisTokenStoreOptions) + "." + f));
    }
}

/// <summary>
/// Reads <see cref="RedisTokenStoreOptions"/> by hand rather than with the
/// reflection binder, so the package stays trim- and AOT-safe. Only keys
/// present change a value; one that does not parse fails naming its key.
/// </summary>
internal static class RedisOptionsReader
{
    public static void Read(IConfiguration section, RedisTokenStoreOptions o)
    {
        var errors = new List<string>();
        o.Configuration = section[nameof(o.Configuration)] ?? o.Configuration;
        o.KeyPrefix = section[nameof(o.KeyPrefix)] ?? o.KeyPrefix;
        o.ConnectTimeout = Time(section, nameof(o.ConnectTimeout), errors) ?? o.ConnectTimeout;
        o.OperationTimeout = Time(section, nameof(o.OperationTimeout), errors) ?? o.OperationTimeout;
        o.BreakerOpenDuration = Time(section, nameof(o.BreakerOpenDuration), errors) ?? o.BreakerOpenDuration;
        o.WaitPollInterval = Time(section, nameof(o.WaitPollInterval), errors) ?? o.WaitPollInterval;
        if (section[nameof(o.BreakerFailureThreshold)] is { } threshold)
        {
            if (int.TryParse(threshold, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                o.BreakerFailureThreshold = n;
            }
            else
            {
                errors.Add($"{nameof(o.BreakerFailureThreshold)} must be a whole number");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(nameof(RedisTokenStoreOptions), errors);
        }
    }

    private static TimeSpan? Time(IConfiguration section, string key, List<string> errors)
    {
        if (section[key] is not { } text)
        {
            return null;
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{key} must be a time span such as 00:00:02");
        return null;
    }
}
