using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.Caching.Redis;

/// <summary>
/// How an entry is laid out in Redis (one string value):
/// <c>version(1) | tokenHash(32) | nonce(12) | tag(16) | ciphertext</c>.
/// AES-GCM with the entry's key; the associated data binds the version, the
/// token hash and the entry name, so an entry copied under another name, or
/// with its hash swapped, fails authentication. The token hash sits in clear
/// at a fixed place so the compare-and-delete script can check it without
/// the key.
/// </summary>
internal static class EntryFormat
{
    public const byte Version = 1;
    public const int HashSize = TokenStoreKey.KeySize;
    public const int NonceSize = TokenStoreKey.NonceSize;
    public const int TagSize = TokenStoreKey.TagSize;
    public const int HeaderSize = 1 + HashSize + NonceSize + TagSize;

    /// <summary>Why a stored value was not served.</summary>
    public enum Rejection
    {
        None,
        Truncated,
        Version,
        Authentication,
    }

    public static byte[] Seal(TokenStoreKey key, ReadOnlySpan<byte> tokenHash, ReadOnlySpan<byte> payload, byte version = Version)
    {
        var sealedValue = new byte[HeaderSize + payload.Length];
        var span = sealedValue.AsSpan();
        span[0] = version;
        tokenHash.CopyTo(span.Slice(1, HashSize));
        var nonce = span.Slice(1 + HashSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var tag = span.Slice(1 + HashSize + NonceSize, TagSize);
        var ciphertext = span[HeaderSize..];
        key.Encrypt(nonce, payload, ciphertext, tag, AssociatedData(key, version, tokenHash));
        return sealedValue;
    }

    public static Rejection TryOpen(TokenStoreKey key, ReadOnlySpan<byte> value, out byte[] payload)
    {
        payload = [];
        if (value.Length < HeaderSize)
        {
            return Rejection.Truncated;
        }

        if (value[0] != Version)
        {
            return Rejection.Version;
        }

        var tokenHash = value.Slice(1, HashSize);
        var nonce = value.Slice(1 + HashSize, NonceSize);
        var tag = value.Slice(1 + HashSize + NonceSize, TagSize);
        var ciphertext = value[HeaderSize..];
        var plain = new byte[ciphertext.Length];
        if (!key.TryDecrypt(nonce, ciphertext, tag, plain, AssociatedData(key, Version, tokenHash)))
        {
            // Tampered, truncated inside the ciphertext, or sealed with another key:
            // AES-GCM cannot tell these apart, and none of them may be served.
            return Rejection.Authentication;
        }

        payload = plain;
        return Rejection.None;
    }

    public static string ReasonTag(Rejection rejection) => rejection switch
    {
        Rejection.Truncated => "truncated",
        Rejection.Version => "version",
        _ => "authentication",
    };

    private static byte[] AssociatedData(TokenStoreKey key, byte version, ReadOnlySpan<byte> tokenHash)
    {
        var name = Encoding.UTF8.GetBytes(key.EntryName);
        var ad = new byte[1 + HashSize + name.Length];
        ad[0] = version;
        tokenHash.CopyTo(ad.AsSpan(1));
        name.CopyTo(ad.AsSpan(1 + HashSize));
        return ad;
    }
}
