using System.Net;
using System.Net.Sockets;

namespace Keystone.Auth.Endpoints;

/// <summary>
/// A region's host as it goes into a URL: an IPv4 address, an IPv6 address in
/// brackets, or a DNS name; and the rewriting of a URL to another host.
/// </summary>
internal static class RegionHost
{
    public const string Placeholder = "{host}";

    /// <summary>The URL form of <paramref name="host"/>, or null when it is neither an IP address nor a DNS name.</summary>
    public static string? Format(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return null;
        }

        var bare = host.Trim();
        if (bare.StartsWith('[') && bare.EndsWith(']'))
        {
            bare = bare[1..^1];
        }

        if (IPAddress.TryParse(bare, out var ip))
        {
            // Only a full address: TryParse also takes "10" or "1.2.3" as IPv4.
            if (ip.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return "[" + ip + "]";
            }

            return bare.Count(c => c == '.') == 3 ? ip.ToString() : null;
        }

        return Uri.CheckHostName(bare) == UriHostNameType.Dns && !bare.All(c => char.IsAsciiDigit(c) || c == '.') ? bare : null;
    }

    /// <summary><paramref name="url"/> with its host replaced by <paramref name="formattedHost"/> (see <see cref="Format"/>).</summary>
    public static string Replace(string url, string formattedHost)
    {
        var uri = new Uri(url, UriKind.Absolute);
        var port = uri.IsDefaultPort ? string.Empty : ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var user = uri.UserInfo.Length > 0 ? uri.UserInfo + "@" : string.Empty;
        return uri.Scheme + "://" + user + formattedHost + port + uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
    }

    /// <summary>The URL form of the host of <paramref name="url"/>.</summary>
    public static string HostOf(string url)
    {
        var uri = new Uri(url, UriKind.Absolute);
        return uri.HostNameType == UriHostNameType.IPv6 ? "[" + uri.IdnHost.Trim('[', ']') + "]" : uri.IdnHost;
    }

    /// <summary>An absolute http(s) URL with a host: the only kind a request may go to.</summary>
    public static bool IsServiceUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;
}
