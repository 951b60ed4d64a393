using System.Security.Cryptography;
using System.Text;

namespace Keystone.Auth.Identity;

/// <summary>
/// Collects every element that decides which token Keystone issues (auth URL,
/// method, user, scope, catalog flag, secret) and turns them into the cache
/// id: an HMAC-SHA-256, so the id never shows a secret. Each element is written
/// with its name and length, so two different identities never feed the same
/// bytes ("ab"+"c" vs "a"+"bc"), and the method's name is an element, so two
/// methods never share an entry.
/// </summary>
internal sealed class CacheIdentity
{
    /// <summary>
    /// Process-wide random key: the default. With it even a leaked cache id
    /// cannot be used to guess a secret offline, and ids mean nothing outside
    /// this process.
    /// </summary>
    private static readonly byte[] s_processKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The HKDF label of stable ids; a new label makes every stable id change.</summary>
    private static readonly byte[] s_stableLabel = "keystone.auth/cache-id/v1"u8.ToArray();

    /// <summary>The salt label of shared-tier material; a new label moves every identity to new entries.</summary>
    private static readonly byte[] s_sharedLabel = "keystone.auth/shared-tier/v1"u8.ToArray();

    /// <summary>
    /// PBKDF2 iterations of the shared-tier material: each password guess
    /// tested against an entry name costs about 80 ms of CPU (see
    /// <c>SharedKeyBenchmarks</c>), which a service pays once per plugin
    /// instance; more would slow down every first miss of thousands of identities.
    /// </summary>
    internal const int SharedIterations = 210_000;

    private readonly StringBuilder _text = new(256);
    private readonly StringBuilder _secrets = new(64);
    private readonly StringBuilder _public = new(256);

    public CacheIdentity(string method, Uri tokenUrl)
    {
        Add("v", "keystone.auth/2");
        Add("url", tokenUrl.AbsoluteUri);
        Add("method", method);
    }

    /// <summary>Adds one element; null is written as absent, distinct from empty.</summary>
    public void Add(string name, string? value)
    {
        Write(_text, name, value);
        Write(_public, name, value);
    }

    /// <summary>
    /// Adds a secret element. It is hashed like the others and, for a stable
    /// id, is also what the key is derived from.
    /// </summary>
    public void AddSecret(string name, string? value)
    {
        Write(_text, name, value);
        Write(_secrets, name, value);
    }

    /// <summary>The id as lowercase hex; the bytes hashed are wiped afterwards.</summary>
    public string Compute(bool stable)
    {
        Add("mode", stable ? "stable" : "process");
        var bytes = Encoding.UTF8.GetBytes(_text.ToString());
        var key = stable ? DeriveStableKey() : s_processKey;
        try
        {
            return Convert.ToHexString(HMACSHA256.HashData(key, bytes)).ToLowerInvariant();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            if (stable)
            {
                CryptographicOperations.ZeroMemory(key);
            }

            Clear();
        }
    }

    /// <summary>
    /// The shared-tier entry name, and its 32-byte key into <paramref name="key"/>:
    /// PBKDF2-HMAC-SHA-256 of the secret elements, salted with the label and a
    /// hash of the other elements, then split by HMAC labels. Slow on purpose:
    /// the name is visible to whoever reads the store, and each password guess
    /// tested against it must cost a full derivation.
    /// </summary>
    public string DeriveShared(Span<byte> key)
    {
        Span<byte> master = stackalloc byte[32];
        Span<byte> salt = stackalloc byte[32];
        var publicBytes = Encoding.UTF8.GetBytes(_public.ToString());
        var saltInput = new byte[s_sharedLabel.Length + publicBytes.Length];
        s_sharedLabel.CopyTo(saltInput, 0);
        publicBytes.CopyTo(saltInput, s_sharedLabel.Length);
        var secret = Encoding.UTF8.GetBytes(_secrets.ToString());
        try
        {
            SHA256.HashData(saltInput, salt);
            Rfc2898DeriveBytes.Pbkdf2(secret, salt, master, SharedIterations, HashAlgorithmName.SHA256);
            HMACSHA256.HashData(master, "key"u8, key);
            Span<byte> name = stackalloc byte[32];
            HMACSHA256.HashData(master, "name"u8, name);
            return "v1." + Convert.ToHexString(name).ToLowerInvariant();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
            CryptographicOperations.ZeroMemory(secret);
            Clear();
        }
    }

    private void Clear()
    {
        _text.Clear();
        _secrets.Clear();
        _public.Clear();
    }

    /// <summary>
    /// HKDF-SHA-256 over the secret elements with a fixed label: the same in
    /// every process holding the same secret, and as hard to guess as the
    /// secret, so the id reveals neither it nor the other (public) elements.
    /// </summary>
    private byte[] DeriveStableKey()
    {
        var secret = Encoding.UTF8.GetBytes(_secrets.ToString());
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: s_stableLabel, info: s_stableLabel);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static void Write(StringBuilder text, string name, string? value)
    {
        text.Append(name).Append('=');
        if (value is null)
        {
            text.Append("-;");
        }
        else
        {
            text.Append(value.Length).Append(':').Append(value).Append(';');
        }
    }
}
