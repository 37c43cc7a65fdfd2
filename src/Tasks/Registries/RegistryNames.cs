namespace Containerize.Registries;

/// <summary>How registry hosts are named and compared: in references, in config.json keys and to credential helpers.</summary>
public static class RegistryNames
{
    public const string DockerHub = "docker.io";
    private const string DockerHubIndex = "index.docker.io";

    /// <summary>The host[:port] of a registry setting or reference prefix: "ghcr.io/acme" → "ghcr.io", "https://index.docker.io/v1/" → "docker.io".</summary>
    public static string Host(string registry)
    {
        var value = registry.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value[(scheme + 3)..];
        }

        var slash = value.IndexOf('/');
        if (slash >= 0)
        {
            value = value[..slash];
        }

        value = value.ToLowerInvariant();
        return value is DockerHubIndex or "registry-1.docker.io" ? DockerHub : value;
    }

    /// <summary>The host of the registry an image reference names (Docker Hub when it names none).</summary>
    public static string HostOf(Spec.ImageReference reference) => Host(reference.Registry ?? DockerHub);

    /// <summary>The registries the engine reaches over plain HTTP without configuration, and so does Containerize.</summary>
    public static bool IsLoopback(string host)
    {
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return name == "localhost" || (System.Net.IPAddress.TryParse(name, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    /// <summary>The server name a credential helper is asked about: Docker Hub's historical URL, else the host.</summary>
    public static string HelperServerUrl(string host) => host == DockerHub ? "https://index.docker.io/v1/" : host;
}
