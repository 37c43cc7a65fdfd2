namespace Containerize.Oci;

/// <summary>The media types of the two manifest formats registries serve: Docker v2 (schema 2) and OCI.</summary>
public static class MediaTypes
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>The empty JSON object `{}`: the config of an artifact manifest (OCI image spec 1.1, "Guidance for an empty descriptor").</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public static bool IsIndex(string mediaType) => mediaType is DockerManifestList or OciIndex;

    public static bool IsOci(string mediaType) => mediaType.StartsWith("application/vnd.oci.", StringComparison.Ordinal);

    /// <summary>The config and layer media types that go with a manifest media type.</summary>
    public static (string Config, string Layer) For(string manifestMediaType) =>
        IsOci(manifestMediaType) ? (OciConfig, OciLayerGzip) : (DockerConfig, DockerLayerGzip);
}
