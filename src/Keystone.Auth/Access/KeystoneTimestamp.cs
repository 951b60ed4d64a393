using System.Globalization;

namespace Keystone.Auth.Access;

/// <summary>
/// Parses Keystone's ISO 8601 timestamps: <c>2026-11-25T02:55:49.000000Z</c>,
/// without a fraction, with <c>Z</c>, with an offset, or with no zone at all
/// (which Keystone means as UTC). Nothing looser: a date Keystone would never
/// write is a malformed response, not a guess. A date that is not representable
/// in UTC (an offset pushing it past year 9999 or before year 1) is refused the
/// same way, never an <see cref="ArgumentOutOfRangeException"/>.
/// </summary>
internal static class KeystoneTimestamp
{
    private static readonly string[] s_formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
    ];

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();

        // Keystone writes microseconds (6 digits); .NET parses at most 7.
        // Anything longer (nanoseconds from other producers) is cut to 7.
        var dot = span.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < span.Length && char.IsAsciiDigit(span[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                span = string.Concat(span[..(dot + 8)], span[end..]).AsSpan();
            }
        }

        try
        {
            return DateTimeOffset.TryParseExact(
                span,
                s_formats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out value);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Parsed, but outside DateTimeOffset's range once made UTC.
            value = default;
            return false;
        }
    }
}
