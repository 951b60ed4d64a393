using System.Globalization;
using System.Text.Json;

namespace SubcloudAudit;

/// <summary>Counters at one moment. <c>Calls</c> include the failed ones.</summary>
internal sealed record Snapshot(int Calls, int Failures, int TokenPosts, int Unauthorized);

/// <summary>What one worker process prints at exit, as one JSON line.</summary>
internal sealed record FleetReport(
    bool SharedTier, int Calls, int Failures, int TokenPosts, int Unauthorized,
    string[] Tokens, string? UserId, Snapshot? AtMark, string[] Errors)
{
    /// <summary>camelCase, as the tests and the parent read it.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

internal static class Args
{
    public static string? Get(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int Int(string[] args, string name, int fallback) =>
        Get(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static double Double(string[] args, string name, double fallback) =>
        Get(args, name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
