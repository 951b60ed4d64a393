namespace Keystone.Auth.Access;

/// <summary>
/// The in-memory form of a <see cref="ServiceCatalog"/>: one byte array per
/// catalog instead of a record and a UTF-16 string per field. This type owns
/// the whole form: the layout (here), the writer, the reader, the lookup walk
/// and the check of exported bytes (the other parts of this partial class).
/// </summary>
/// <remarks>
/// <para>
/// Why: a cached token's catalog was over 90 % of its memory (20.7 KB for a
/// 20-service, 60-endpoint subcloud catalog as .NET objects). A controller keeps
/// one per subcloud, so at 10,000 subclouds the objects alone were 200 MB. The
/// same content as UTF-8, with 32-digit hex ids as 16 bytes and every repeated
/// string written once, is about a tenth of that.
/// </para>
/// <para>
/// Layout, services in catalog order:
/// <code>
/// service  := skip:u32 type:str name:str id:str count:varint endpoint*
///             (skip = bytes after the skip field up to the next service)
/// endpoint := flags:u8 [interface:str] id:str region:str region_id:str prefix:str rest:str
/// str      := Null | Inline len:varint utf8 | Hex n:varint bytes | Back position:varint
/// </code>
/// A URL is stored as <c>prefix</c> (<c>scheme://host</c>) and <c>rest</c>
/// (<c>:port/path...</c>): the handful of hosts in a catalog are then written
/// once each and every later use is a back-reference. <c>Back</c> points at the
/// first occurrence of the same string (its tag byte), never at another <c>Back</c>.
/// </para>
/// <para>
/// The bytes also travel inside <see cref="AccessInfo.Export"/>, so tag and flag
/// numbers keep the values of the earlier, larger form: the numbers it used for
/// parts since dropped (a table of well-known words, UTF-16 strings and three
/// "same as before" flags) are now refused by the check, and everything else
/// means what it meant. Either version reads the other's bytes or refuses them;
/// neither misreads them.
/// </para>
/// </remarks>
internal static partial class CompactCatalog
{
    // String tags. 3 and 5 were UTF-16 and well-known-word tags; never written now.
    public const byte Null = 0;
    public const byte Inline = 1;
    public const byte Hex = 2;
    public const byte Back = 4;

    // Endpoint flags. Bits 0-1: the interface (EndpointInterface) when the
    // catalog wrote exactly public, internal or admin; else Unparsed.
    public const byte InterfaceMask = 0b11;
    public const byte Unparsed = 0b11;

    /// <summary>The interface is not exactly <c>public</c>, <c>internal</c> or <c>admin</c>: its text follows.</summary>
    public const byte InterfaceText = 1 << 2;

    /// <summary>
    /// The URL is not an absolute http(s) URL with a host (relative, <c>ftp:</c>,
    /// <c>file:</c>, <c>javascript:</c>, garbage): kept for <see cref="ServiceCatalog.Services"/>,
    /// never selected, so a lookup cannot hand out a URL no request could be sent to.
    /// </summary>
    public const byte UnusableUrl = 1 << 6;

    /// <summary>Every flag bit in use; an endpoint with another bit set is not this form.</summary>
    public const byte KnownFlags = InterfaceMask | InterfaceText | UnusableUrl;

    /// <summary>
    /// Width of the fixed-size service skip field (patched after the service is
    /// written, so it cannot be a varint). Four bytes: no service is too large.
    /// </summary>
    public const int SkipBytes = 4;

    /// <summary>Where one endpoint's strings are in a catalog's bytes (see <see cref="ReadEndpoint"/>).</summary>
    internal struct EndpointFields
    {
        public byte Flags;
        public int InterfaceText;
        public int Id;
        public int Region;
        public int RegionId;
        public int Prefix;
        public int Rest;

        /// <summary>The interface decided when written, or <see cref="Unparsed"/>.</summary>
        public readonly int Interface => Flags & InterfaceMask;
    }

    private static int ReadSkip(ReadOnlySpan<byte> data, ref int pos)
    {
        var skip = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += SkipBytes;
        return skip;
    }

    private static int ReadVarInt(ReadOnlySpan<byte> data, ref int pos)
    {
        uint value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = data[pos++];
            value |= (uint)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        return (int)value;
    }

    /// <summary>Reads one endpoint's flags and the positions of its strings, moving <paramref name="pos"/> past it.</summary>
    private static EndpointFields ReadEndpoint(ReadOnlySpan<byte> data, ref int pos)
    {
        var fields = default(EndpointFields);
        fields.Flags = data[pos++];
        fields.InterfaceText = -1;
        if ((fields.Flags & InterfaceText) != 0)
        {
            fields.InterfaceText = pos;
            SkipString(data, ref pos);
        }

        fields.Id = pos;
        SkipString(data, ref pos);
        fields.Region = pos;
        SkipString(data, ref pos);
        fields.RegionId = pos;
        SkipString(data, ref pos);
        fields.Prefix = pos;
        SkipString(data, ref pos);
        fields.Rest = pos;
        SkipString(data, ref pos);
        return fields;
    }

    /// <summary>Moves <paramref name="pos"/> past the string at it.</summary>
    private static void SkipString(ReadOnlySpan<byte> data, ref int pos)
    {
        switch (data[pos++])
        {
            case Null:
                return;
            case Back:
                ReadVarInt(data, ref pos);
                return;
            default: // Inline, Hex
                var bytes = ReadVarInt(data, ref pos);
                pos += bytes;
                return;
        }
    }
}
