using System.Globalization;
using Keystone.Auth.Identity;
using Microsoft.Extensions.Configuration;

namespace Keystone.Auth.DependencyInjection;

/// <summary>
/// Reads the flat settings of every method's <see cref="AuthPluginOptions"/> and
/// <see cref="KeystoneTransportOptions"/> from configuration by hand rather
/// than with the reflection binder, so the library stays trim- and AOT-safe.
/// Only keys present in the section change a value. A value that does not
/// parse fails naming its key.
/// </summary>
internal static class OptionsConfigurationReader
{
    /// <summary>
    /// Reads any method's options: its string settings by their property names
    /// (the method's own list of <c>OS_*</c> names, translated by
    /// <see cref="SettingNames.ConfigurationKey"/>), then the typed settings every
    /// method that asks Keystone shares. No code here names a method's settings,
    /// so a new method needs none.
    /// </summary>
    public static void Read(IConfiguration section, AuthPluginOptions o)
    {
        var errors = new List<string>();
        o.ReadSettings(variable => String(section, SettingNames.ConfigurationKey(variable)));
        if (o is KeystoneIdentityOptions identity)
        {
            ReadLimits(section, identity, errors);
        }

        ThrowIfAny(o.GetType().Name, errors);
    }

    /// <summary>The typed settings shared by every method that asks Keystone for a token.</summary>
    private static void ReadLimits(IConfiguration section, KeystoneIdentityOptions o, List<string> errors)
    {
        o.IncludeCatalog = Bool(section, nameof(o.IncludeCatalog), errors) ?? o.IncludeCatalog;
        o.RequestTimeout = Time(section, nameof(o.RequestTimeout), errors) ?? o.RequestTimeout;
        o.MaxResponseBytes = Int(section, nameof(o.MaxResponseBytes), errors) ?? o.MaxResponseBytes;
        o.StableCacheId = Bool(section, nameof(o.StableCacheId), errors) ?? o.StableCacheId;
        if (o is ScopedIdentityOptions s)
        {
            s.Unscoped = Bool(section, nameof(s.Unscoped), errors) ?? s.Unscoped;
        }
    }

    public static void Read(IConfiguration section, KeystoneTransportOptions o)
    {
        var errors = new List<string>();
        o.ConnectTimeout = Time(section, nameof(o.ConnectTimeout), errors) ?? o.ConnectTimeout;
        o.RequestTimeout = Time(section, nameof(o.RequestTimeout), errors) ?? o.RequestTimeout;
        o.MaxConnectionsPerServer = Int(section, nameof(o.MaxConnectionsPerServer), errors) ?? o.MaxConnectionsPerServer;
        o.PooledConnectionLifetime = Time(section, nameof(o.PooledConnectionLifetime), errors) ?? o.PooledConnectionLifetime;
        o.PooledConnectionIdleTimeout = Time(section, nameof(o.PooledConnectionIdleTimeout), errors) ?? o.PooledConnectionIdleTimeout;
        o.CaCertificatesPath = String(section, nameof(o.CaCertificatesPath)) ?? o.CaCertificatesPath;
        o.ClientCertificatePath = String(section, nameof(o.ClientCertificatePath)) ?? o.ClientCertificatePath;
        o.ClientKeyPath = String(section, nameof(o.ClientKeyPath)) ?? o.ClientKeyPath;
        o.Insecure = Bool(section, nameof(o.Insecure), errors) ?? o.Insecure;
        ThrowIfAny(nameof(KeystoneTransportOptions), errors);
    }

    public static void ReadEndpointDefaults(IConfiguration section, KeystoneAuthOptions o)
    {
        o.RegionName = String(section, nameof(o.RegionName)) ?? o.RegionName;
        if (String(section, nameof(o.Interface)) is { } text)
        {
            o.Interface = KeystoneAuthOptions.ParseInterface(nameof(o.Interface), text);
        }
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static string? String(IConfiguration section, string key) => section[key] is { Length: > 0 } value ? value : null;

    private static bool? Bool(IConfiguration section, string key, List<string> errors) =>
        Parse<bool>(section, key, errors, bool.TryParse, "true or false");

    private static int? Int(IConfiguration section, string key, List<string> errors) =>
        Parse(section, key, errors, static (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value), "an integer");

    private static TimeSpan? Time(IConfiguration section, string key, List<string> errors) =>
        Parse(section, key, errors, static (string text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value), "a time span such as 00:00:30");

    /// <summary>The key's value parsed, null when absent; a value that does not parse is added to <paramref name="errors"/>.</summary>
    private static T? Parse<T>(IConfiguration section, string key, List<string> errors, TryParser<T> tryParse, string expected)
        where T : struct
    {
        if (String(section, key) is not { } text)
        {
            return null;
        }

        if (tryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{key} must be {expected}, got '{text}'");
        return null;
    }

    private static void ThrowIfAny(string optionsType, List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(optionsType, errors);
        }
    }
}
