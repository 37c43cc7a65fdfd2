using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.X509;

namespace Containerize.Backends;

/// <summary>Docker.DotNet's client-certificate credentials from the docker CLI's PEM files, checking the engine against ca.pem.</summary>
public static class EngineTlsCredentials
{
    public static CertificateCredentials Create(EngineTls tls) =>
        new(ClientCertificate(tls)) { ServerCertificateValidationCallback = ServerValidation(tls) };

    /// <summary>The client certificate of cert.pem and key.pem.</summary>
    public static X509Certificate2 ClientCertificate(EngineTls tls)
    {
        // Through PKCS#12 so the key is usable by SslStream on every platform (a PEM-loaded key is ephemeral on Windows).
        using var pem = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
#pragma warning disable SYSLIB0057 // the loader API that replaces this constructor does not exist in net8.0
        return new X509Certificate2(pem.Export(X509ContentType.Pkcs12));
#pragma warning restore SYSLIB0057
    }

    /// <summary>The check of the engine's certificate: against ca.pem, unless the context says SkipTLSVerify.</summary>
    public static RemoteCertificateValidationCallback ServerValidation(EngineTls tls)
    {
        var authority = File.Exists(tls.CaPath) ? X509Certificate2.CreateFromPem(File.ReadAllText(tls.CaPath)) : null;
        return (_, certificate, _, errors) => !tls.VerifyServer || IsTrusted(certificate, errors, authority);
    }

    /// <summary>
    /// Signed by the CA of ca.pem (and not some other root) — or, without ca.pem, by a root the system trusts — for the
    /// name or address the client asked for.
    /// </summary>
    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? authority)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        if (authority is null)
        {
            return errors == SslPolicyErrors.None;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }
}
