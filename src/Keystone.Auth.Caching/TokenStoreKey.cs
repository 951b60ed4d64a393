using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.Caching;

/// <summary>
/// Which shared entry, and the key that seals it: an opaque entry name (a
/// fingerprint that shows no user, project or URL) and a 32-byte key the
/// caller derives from the identity's secret, so that someone who reads the
/// store but lacks the secret can neither read nor use an entry.
/// </summary>
/// <remarks>
/// Two sub-keys are derived from the key, one to encrypt entries and one to
/// hash tokens, so that a token hash (which travels in clear on pub/sub)
/// never relates to the encryption key. The key is never shown:
/// <see cref="ToString"/> names the entry only.
/// </remarks>
public sealed class TokenStoreKey
{
    /// <summary>The key's length in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The longest entry name accepted.</summary>
    public const int MaxEntryNameLength = 200;

    private static readonly byte[] s_encryptionLabel = "keystone-auth token-store v1 encryption"u8.ToArray();
    private static readonly byte[] s_tokenHashLabel = "keystone-auth token-store v1 token-hash"u8.ToArray();

    private readonly byte[] _encryptionKey = new byte[KeySize];
    private readonly byte[] _tokenHashKey = new byte[KeySize];

    /// <summary>Creates the key of one shared entry.</summary>
    /// <param name="entryName">1 to 200 characters from <c>A-Z a-z 0-9 . _ -</c>
    /// (a hex or base64url fingerprint), so that it cannot collide with the
    /// store's own key suffixes.</param>
    /// <param name="key">Exactly 32 bytes derived from the identity's secret; copied.</param>
    /// <exception cref="InvalidOptionsException">The name or the key is unusable; the message says which and why, never the key.</exception>
    public TokenStoreKey(string entryName, ReadOnlySpan<byte> key)
    {
        var failures = new List<string>(2);
        if (string.IsNullOrEmpty(entryName))
        {
            failures.Add("EntryName is required");
        }
        else if (entryName.Length > MaxEntryNameLength)
        {
            failures.Add($"EntryName must be at most {MaxEntryNameLength} characters (got {entryName.Length})");
        }
        else if (!IsValidName(entryName))
        {
            failures.Add("EntryName may contain only A-Z, a-z, 0-9, '.', '_' and '-' (an opaque fingerprint)");
        }

        if (key.Length != KeySize)
        {
            failures.Add($"Key must be exactly {KeySize} bytes (got {key.Length})");
        }

        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(TokenStoreKey), failures);
        }

        EntryName = entryName;
        HMACSHA256.HashData(key, s_encryptionLabel, _encryptionKey);
        HMACSHA256.HashData(key, s_tokenHashLabel, _tokenHashKey);
    }

    /// <summary>The entry's name in the store.</summary>
    public string EntryName { get; }

    /// <summary>The size of the authentication tag <see cref="Encrypt"/> writes (16 bytes).</summary>
    public const int TagSize = 16;

    /// <summary>The size of the nonce <see cref="Encrypt"/> takes (12 bytes; use a fresh random one per entry).</summary>
    public const int NonceSize = 12;

    /// <summary>
    /// Encrypts and authenticates <paramref name="plaintext"/> with this entry's
    /// key (AES-GCM), binding <paramref name="associatedData"/> (e.g. the entry
    /// name and format version), so that a store can keep entries sealed without
    /// ever holding key material: the key bytes never leave this object.
    /// </summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        using var aes = new AesGcm(_encryptionKey, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    /// <summary>
    /// Opens what <see cref="Encrypt"/> sealed. False when the ciphertext, tag or
    /// associated data were changed, or the entry was sealed with another key:
    /// such an entry must be ignored, never served.
    /// </summary>
    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        try
        {
            using var aes = new AesGcm(_encryptionKey, TagSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
            return true;
        }
        catch (CryptographicException)
        {
            // AES-GCM does not say whether bytes were edited or the key differs; neither may be served.
            CryptographicOperations.ZeroMemory(plaintext);
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="invalidation"/> is about this entry and about
    /// exactly <paramref name="token"/> (compared in fixed time).
    /// </summary>
    public bool IsToken(TokenStoreInvalidation invalidation, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!string.Equals(invalidation.EntryName, EntryName, StringComparison.Ordinal)
            || invalidation.TokenHash.Length != KeySize)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[KeySize];
        HashToken(token, hash);
        return CryptographicOperations.FixedTimeEquals(hash, invalidation.TokenHash.Span);
    }

    /// <summary>The keyed hash of <paramref name="token"/> (32 bytes): safe to store and broadcast.</summary>
    public void HashToken(string token, Span<byte> destination)
    {
        // A fernet token (~180-250 ASCII characters) fits on the stack.
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        var heap = max <= 1024 ? null : new byte[max];
        Span<byte> utf8 = heap ?? stackalloc byte[max];
        var n = Encoding.UTF8.GetBytes(token, utf8);
        HMACSHA256.HashData(_tokenHashKey, utf8[..n], destination);
        CryptographicOperations.ZeroMemory(utf8[..n]);
    }

    /// <summary>Names the entry only; the key is never shown.</summary>
    public override string ToString() => $"TokenStoreKey({EntryName})";

    private static bool IsValidName(string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
