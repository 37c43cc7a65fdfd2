using Containerize.Diagnostics;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// A standalone BuildKit daemon's address as buildx's remote driver takes it: unix:///path/to/buildkitd.sock, or
/// tcp://host:port — plain, or TLS with the client certificate of a folder holding ca.pem, cert.pem and key.pem.
/// </summary>
public static class BuildKitEndpoint
{
    /// <summary>The address as a URI, or null when it is not a unix:// path or a tcp:// host and port.</summary>
    public static Uri? Parse(string host) =>
        Uri.TryCreate(host.Trim(), UriKind.Absolute, out var uri) && uri.Scheme switch
        {
            "unix" => uri.AbsolutePath.Length > 1 && uri.Host.Length == 0,
            "tcp" => uri.Host.Length > 0 && !uri.IsDefaultPort && uri.AbsolutePath == "/",
            _ => false,
        }
            ? uri
            : null;

    /// <summary>The endpoint to connect to (the settings are validated: <see cref="Spec.SpecResolver"/>); CTZ1056 when a certificate file is missing.</summary>
    public static DockerEndpoint Resolve(string host, string certificates, Func<string, bool> fileExists)
    {
        var uri = Parse(host) ?? throw new ContainerizeException(Errors.InvalidBuildKitHost(host));
        if (certificates.Trim().Length == 0)
        {
            return new DockerEndpoint(uri, "ContainerBuildKitHost", IsConfigured: true);
        }

        var tls = new EngineTls(Path.GetFullPath(certificates.Trim()), VerifyServer: true);
        var missing = tls.MissingFiles(fileExists, requireCa: true);
        return missing.Count == 0
            ? new DockerEndpoint(uri, "ContainerBuildKitHost", IsConfigured: true, tls)
            : throw new ContainerizeException(Errors.BuildKitCertificates($"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} missing"));
    }
}
