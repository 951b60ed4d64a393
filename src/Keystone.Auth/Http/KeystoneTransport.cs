using System.Net;
using System.Security.Cryptography.X509Certificates;
using Keystone.Auth.Diagnostics;
using Keystone.Auth.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keystone.Auth;

/// <summary>
/// Makes the recommended <see cref="SocketsHttpHandler"/> for Keystone and
/// OpenStack service calls from <see cref="KeystoneTransportOptions"/>. Use one
/// handler (one connection pool) for all endpoints of a process.
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient(KeystoneTransport.CreateHandler(KeystoneTransportOptions.FromEnvironment()));
/// </code>
/// </example>
public static partial class KeystoneTransport
{
    /// <summary>Creates a handler with the given settings.</summary>
    /// <param name="options">The settings; copied.</param>
    /// <param name="logger">Receives the insecure-mode warning and CA bundle reloads.</param>
    /// <exception cref="InvalidOptionsException">The options are invalid (each failure names its option).</exception>
    public static SocketsHttpHandler CreateHandler(KeystoneTransportOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Clone();
        var failures = o.Validate();
        if (failures.Count > 0)
        {
            throw new InvalidOptionsException(nameof(KeystoneTransportOptions), failures);
        }

        logger ??= NullLogger.Instance;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = o.ConnectTimeout,
            MaxConnectionsPerServer = o.MaxConnectionsPerServer,
            PooledConnectionLifetime = o.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = o.PooledConnectionIdleTimeout,

            // Services are addressed by token, not session: a shared cookie jar
            // across thousands of endpoints would only grow.
            UseCookies = false,

            // .NET re-sends every header but Authorization on a redirect, so
            // X-Auth-Token would go to whatever origin a service names. The
            // session and handler follow same-origin redirects themselves.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };

        if (o.TcpKeepAliveTime is not null)
        {
            handler.ConnectCallback = KeepAliveConnector(o);
        }

        if (o.Insecure)
        {
            Log.InsecureTransport(logger);
#pragma warning disable CA5359 // the caller asked for it explicitly (OS_INSECURE / Insecure) and is warned in the log
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(o.CaCertificatesPath))
        {
            handler.SslOptions.RemoteCertificateValidationCallback = new CaBundleTrust(o.CaCertificatesPath, logger).Validate;
        }

        if (!string.IsNullOrEmpty(o.ClientCertificatePath))
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { LoadClientCertificate(o.ClientCertificatePath, o.ClientKeyPath) };
        }

        return handler;
    }

    private static X509Certificate2 LoadClientCertificate(string certificatePath, string? keyPath)
    {
        var pem = X509Certificate2.CreateFromPemFile(certificatePath, string.IsNullOrEmpty(keyPath) ? null : keyPath);
        if (!OperatingSystem.IsWindows())
        {
            return pem;
        }

        // Windows TLS (SChannel) cannot use the ephemeral key a PEM import gives;
        // a PKCS#12 round trip gives it a persisted one.
        using (pem)
        {
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
#else
            return new X509Certificate2(pem.Export(X509ContentType.Pkcs12));
#endif
        }
    }
}
