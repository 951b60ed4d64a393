namespace Keystone.Auth.Access;

/// <summary>
/// The in-memory layout of a <see cref="ServiceCatalog"/>: one byte array per
/// catalog instead of a record and a UTF-16 string per field.
/// </summary>
/// <remarks>
/// <para>
/// Why: a cached token's catalog was over 90 % of its memory (20.7 KB for a
/// 20-service, 60-endpoint subcloud catalog as .NET objects). A controller keeps
/// one per subcloud, so at 10,000 subclouds the objects alone were 200 MB. The
/// same content as UTF-8, with 32-digit hex ids as 16 bytes and every repeated
/// string written once, is about a tenth of that. The layout lives only in
/// this process (never persisted or sent), so it may change freely.
/// </para>
/// <para>
/// Layout, services in catalog order:
/// <code>
/// service  := skip:u32 type:str name:str id:str count:varint endpoint*
///             (skip = bytes after the skip field up to the next service)
/// endpoint := flags:u8 [interface:str] id:str [region:str [region_id:str]] [prefix:str] rest:str
/// str      := Null | Inline len:varint utf8 | Hex n:varint bytes | Utf16 n:varint chars
///           | Back position:varint | Known index:u8
/// </code>
/// A URL is stored as <c>prefix</c> (<c>scheme://host</c>) and <c>rest</c>
/// (<c>:port/path...</c>): the handful of hosts in a catalog are then written
/// once each and the rests are short. <c>Back</c> points at the first
/// occurrence of the same string (its tag byte), never at another <c>Back</c>.
/// </para>
/// </remarks>
internal static class CatalogFormat
{
    // String tags.
    public const byte Null = 0;
    public const byte Inline = 1;
    public const byte Hex = 2;
    public const byte Utf16 = 3;
    public const byte Back = 4;
    public const byte Known = 5;

    // Endpoint flags. Bits 0-1: the parsed interface (EndpointInterface) or Unparsed.
    public const byte InterfaceMask = 0b11;
    public const byte Unparsed = 0b11;

    /// <summary>The interface as written is not the canonical lower-case name: its text follows.</summary>
    public const byte InterfaceText = 1 << 2;

    /// <summary>region and region_id are those of the previous endpoint of the same service: nothing follows.</summary>
    public const byte SameRegionAsPrevious = 1 << 3;

    /// <summary>region_id is the same string as region: only region follows.</summary>
    public const byte RegionIdIsRegion = 1 << 4;

    /// <summary>The URL prefix is that of the previous endpoint of the same service: no prefix follows.</summary>
    public const byte SamePrefixAsPrevious = 1 << 5;

    /// <summary>
    /// The URL is not an absolute http(s) URL with a host (relative, <c>ftp:</c>,
    /// <c>file:</c>, <c>javascript:</c>, garbage): kept for <see cref="ServiceCatalog.Services"/>,
    /// never selected, so a lookup cannot hand out a URL no request could be sent to.
    /// </summary>
    public const byte UnusableUrl = 1 << 6;

    /// <summary>Every flag bit in use; an endpoint with another bit set is not this format.</summary>
    public const byte KnownFlags = InterfaceMask | InterfaceText | SameRegionAsPrevious | RegionIdIsRegion | SamePrefixAsPrevious | UnusableUrl;

    /// <summary>
    /// Width of the fixed-size service skip field (patched after the service is
    /// written, so it cannot be a varint). Four bytes: no service is too large.
    /// </summary>
    public const int SkipBytes = 4;
}
