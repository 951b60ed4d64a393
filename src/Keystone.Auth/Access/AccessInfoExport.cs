using Keystone.Auth.Access;

namespace Keystone.Auth;

// The explicit way to store a token (keystoneauth's get_auth_state/set_auth_state),
// kept apart from the rest of AccessInfo. The form itself: Access/TokenState.cs.
public sealed partial class AccessInfo
{
    /// <summary>
    /// The largest exported form <see cref="Import"/> accepts: 16 MiB, far above
    /// any real token (the catalog is stored in its compact in-memory form).
    /// </summary>
    public const int MaxExportBytes = TokenState.MaxBytes;

    /// <summary>
    /// Everything in this instance as a compact, versioned byte form, for a store
    /// shared between processes or hosts; <see cref="Import"/> reads it back with
    /// nothing lost. The form contains the token in clear: keep it where you would
    /// keep the token (the store should encrypt it).
    /// </summary>
    /// <remarks>
    /// The local expiry is stored as the life remaining now, not as an instant, so
    /// a host whose clock differs reads it correctly. Keystone's own times
    /// (<see cref="ExpiresAt"/>, <see cref="IssuedAt"/>) are kept as Keystone wrote them.
    /// </remarks>
    /// <param name="timeProvider">The clock that measures the remaining life; <see cref="TimeProvider.System"/> by default.</param>
    public byte[] Export(TimeProvider? timeProvider = null) =>
        TokenState.Write(this, (timeProvider ?? TimeProvider.System).GetUtcNow());

    /// <summary>
    /// Reads a form written by <see cref="Export"/>: token, Keystone's times, user,
    /// scope, roles, audit ids, methods and catalog as they were, and a
    /// <see cref="LocalExpiresAt"/> of now plus the life that remained at export.
    /// </summary>
    /// <param name="data">The exported bytes; at most <see cref="MaxExportBytes"/>.</param>
    /// <param name="timeProvider">The clock the remaining life is added to; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="InvalidResponseException">
    /// The bytes are too large, truncated, corrupt, of another version, or hold a
    /// token that is not a valid header value. Nothing partial is ever returned.
    /// </exception>
    public static AccessInfo Import(ReadOnlySpan<byte> data, TimeProvider? timeProvider = null) =>
        TokenState.Read(data, (timeProvider ?? TimeProvider.System).GetUtcNow());
}
