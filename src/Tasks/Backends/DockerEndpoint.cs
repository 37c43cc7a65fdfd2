namespace Containerize.Backends;

/// <summary>An engine endpoint and where it came from (for messages, and for the auto backend's choice).</summary>
/// <param name="IsConfigured">True when the user named it (ContainerDockerHost, DOCKER_HOST, a docker context), false when it was found by looking.</param>
/// <param name="Tls">The client certificate and CA for a TLS engine (DOCKER_TLS_VERIFY, or a context's TLS material), else null.</param>
public sealed record DockerEndpoint(Uri Uri, string Source, bool IsConfigured, EngineTls? Tls = null);

/// <summary>
/// PEM files for a TLS engine, as the docker CLI lays them out in DOCKER_CERT_PATH or a context's TLS folder:
/// ca.pem (the CA that signed the engine's certificate), cert.pem and key.pem (the client certificate).
/// </summary>
/// <param name="VerifyServer">False only for a context that says SkipTLSVerify.</param>
public sealed record EngineTls(string Folder, bool VerifyServer)
{
    public string CaPath => Path.Combine(Folder, "ca.pem");

    public string CertificatePath => Path.Combine(Folder, "cert.pem");

    public string KeyPath => Path.Combine(Folder, "key.pem");

    /// <summary>The files of the folder that <paramref name="fileExists"/> does not find: cert.pem and key.pem, and ca.pem when <paramref name="requireCa"/>.</summary>
    public IReadOnlyList<string> MissingFiles(Func<string, bool> fileExists, bool requireCa) =>
        new[] { requireCa ? CaPath : null, CertificatePath, KeyPath }.OfType<string>().Where(path => !fileExists(path)).ToList();
}
