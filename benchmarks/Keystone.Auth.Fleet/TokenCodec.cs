using System.Globalization;

namespace Keystone.Auth.Fleet;

/// <summary>
/// The fake Keystone writes what it needs to validate a token into the token
/// itself (subcloud, key generation, serial, expiry), padded to a fernet
/// token's ~180 characters, so that the server keeps no table of tokens:
/// the fleet's memory is then the client's.
/// </summary>
internal static class TokenCodec
{
    private const string Prefix = "gAAAAAB";
    private const int Length = 183;

    public static string Encode(int subcloud, int generation, long serial, DateTimeOffset expires)
    {
        var core = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{subcloud:x}-{generation:x}-{serial:x}-{expires.UtcTicks:x}-");
        return core.PadRight(Length, 'Q');
    }

    public static bool TryDecode(string token, out int subcloud, out int generation, out long serial, out DateTimeOffset expires)
    {
        subcloud = -1;
        generation = 0;
        serial = 0;
        expires = default;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = token[Prefix.Length..].Split('-');
        if (parts.Length < 4
            || !int.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out subcloud)
            || !int.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out generation)
            || !long.TryParse(parts[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out serial)
            || !long.TryParse(parts[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ticks))
        {
            subcloud = -1;
            return false;
        }

        expires = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
