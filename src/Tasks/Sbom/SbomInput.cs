namespace Containerize.Sbom;

/// <summary>Everything the SBOM of one image (one platform) says: the writers turn it into bytes and read nothing else.</summary>
public sealed record SbomInput
{
    /// <summary>The app's name (the image's component name).</summary>
    public required string Name { get; init; }

    /// <summary>The app's version.</summary>
    public required string Version { get; init; }

    /// <summary>What makes the document's identity (serial number, SPDX namespace): the image's config digest.</summary>
    public required string Seed { get; init; }

    /// <summary>The image's creation time (its config's created): the document's timestamp.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>Containerize's version, for metadata.tools / creationInfo.creators.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The registry the image goes to (ghcr.io, localhost:5000); null when none.</summary>
    public string? Registry { get; init; }

    /// <summary>The image's repository (acme/webapi).</summary>
    public string? Repository { get; init; }

    /// <summary>The image's manifest digest (sha256:…), when known: the version of the app's pkg:oci purl.</summary>
    public string? Digest { get; init; }

    /// <summary>The image's architecture (amd64, arm64): the purl's arch qualifier.</summary>
    public string? Architecture { get; init; }

    public NuGetGraph NuGet { get; init; } = NuGetGraph.Empty;

    public IReadOnlyList<DotNetRuntime> Runtimes { get; init; } = [];

    public IReadOnlyList<OsPackage> OsPackages { get; init; } = [];

    public IReadOnlyList<SbomFile> Files { get; init; } = [];

    /// <summary>
    /// pkg:oci/&lt;last part of the repository&gt;@&lt;digest&gt;?arch=…&amp;repository_url=&lt;registry&gt;/&lt;repository&gt;, when the
    /// digest and repository are known; no tag qualifier (tags move; the SBOM does not change when the image is tagged).
    /// </summary>
    public string? ImagePurl => Digest is null || string.IsNullOrEmpty(Repository) ? null
        : PackageUrl.Create("oci", null, Repository.Split('/')[^1].ToLowerInvariant(), Digest,
        [
            new("arch", Architecture),
            new("repository_url", Registry is null ? null : $"{Registry}/{Repository}"),
        ]);
}
