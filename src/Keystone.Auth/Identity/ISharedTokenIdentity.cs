namespace Keystone.Auth;

/// <summary>
/// An auth plugin whose tokens may be shared between processes through a
/// token store (for example <c>Keystone.Auth.Caching.Redis</c>): it names its
/// entry and gives the key that seals it, both derived from its secret and
/// identity, so every process holding the same secret finds the same entry and
/// nobody without the secret can read or use it.
/// </summary>
/// <remarks>
/// Implemented by <see cref="PasswordAuth"/>, <see cref="ApplicationCredentialAuth"/>
/// and <see cref="TokenAuth"/>; not by <see cref="FixedTokenAuth"/>, whose
/// token is never cached. Independent of <see cref="KeystoneIdentityOptions.StableCacheId"/>:
/// the in-process cache id may stay random per process.
/// </remarks>
public interface ISharedTokenIdentity
{
    /// <summary>
    /// Writes this identity's 32-byte shared key into <paramref name="key"/>
    /// and returns its entry name (<c>v1.</c> and 64 hex digits). Both come
    /// from PBKDF2-HMAC-SHA-256 (210,000 iterations) of the secret, salted
    /// with a hash of the identity's other fields (auth URL, method, user,
    /// scope, catalog flag): the same in every process with the same secret
    /// and fields, different for any other identity, and revealing neither
    /// the secret, nor the user, project or auth URL. The slow derivation is
    /// what keeps a reader of the store from testing password guesses
    /// cheaply against a name; it costs about 80 ms of CPU (measured:
    /// <c>SharedKeyBenchmarks</c>) once per plugin instance, on its first
    /// miss with a store, and is then kept.
    /// </summary>
    /// <param name="key">Receives the key; exactly 32 bytes.</param>
    /// <returns>The entry name.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not 32 bytes long.</exception>
    string DeriveSharedTokenKey(Span<byte> key);
}
