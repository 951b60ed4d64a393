using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Keystone.Auth.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.Http;

/// <summary>
/// Validates server certificates against a PEM CA bundle only (what
/// <c>OS_CACERT</c> means to OpenStack clients), re-reading the bundle when
/// the file changes so a renewed root CA needs no restart.
/// </summary>
internal sealed class CaBundleTrust
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly object _reloadLock = new();
    private volatile Snapshot? _snapshot;

    public CaBundleTrust(string path, ILogger logger)
    {
        _path = path;
        _logger = logger;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            Log.CertificateRejected(_logger, Subject(certificate), errors.ToString());
            return false;
        }

        var roots = Current();
        if (roots.Count == 0)
        {
            Log.CertificateRejected(_logger, Subject(certificate), $"no usable CA certificate in {_path}");
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            // Intermediates the server sent.
            custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore);
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        var leaf = certificate as X509Certificate2;
        var owned = leaf is null;
#if NET9_0_OR_GREATER
        leaf ??= X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
#else
        leaf ??= new X509Certificate2(certificate);
#endif
        try
        {
            if (custom.Build(leaf))
            {
                return true;
            }

            var status = string.Join(", ", custom.ChainStatus.Select(s => s.Status.ToString()));
            Log.CertificateRejected(_logger, leaf.Subject, $"does not chain to a CA in {_path} ({status})");
            return false;
        }
        finally
        {
            if (owned)
            {
                leaf.Dispose();
            }
        }
    }

    private X509Certificate2Collection Current()
    {
        DateTime written;
        long length;
        try
        {
            var info = new FileInfo(_path);
            written = info.LastWriteTimeUtc;
            length = info.Exists ? info.Length : -1;
        }
        catch (IOException)
        {
            written = default;
            length = -1;
        }

        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.Written == written && snapshot.Length == length)
        {
            return snapshot.Certificates;
        }

        lock (_reloadLock)
        {
            snapshot = _snapshot;
            if (snapshot is not null && snapshot.Written == written && snapshot.Length == length)
            {
                return snapshot.Certificates;
            }

            var certificates = new X509Certificate2Collection();
            try
            {
                certificates.ImportFromPemFile(_path);
                Log.CaBundleLoaded(_logger, _path, certificates.Count);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                // Keep trusting the last good bundle rather than failing every
                // connection while an operator rewrites the file.
                Log.CaBundleLoadFailed(_logger, _path, ex);
                if (snapshot is not null)
                {
                    _snapshot = snapshot with { Written = written, Length = length };
                    return snapshot.Certificates;
                }
            }

            _snapshot = new Snapshot(written, length, certificates);
            return certificates;
        }
    }

    private static string Subject(X509Certificate? certificate) => certificate?.Subject ?? "(no certificate)";

    private sealed record Snapshot(DateTime Written, long Length, X509Certificate2Collection Certificates);
}
