using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>Everything one containerize run needs, as plain data.</summary>
public sealed record ContainerizeRequest
{
    public required ProjectFacts Project { get; init; }
    public required ContainerSettings Settings { get; init; }
    public required string PublishDirectory { get; init; }
    public IReadOnlyDictionary<string, PublishedFileOrigin> Origins { get; init; } = new Dictionary<string, PublishedFileOrigin>();
    /// <summary>The relative paths the publish produced: other files in its folder are left out of the image. Null: every file.</summary>
    public IReadOnlySet<string>? Published { get; init; }
    /// <summary>The folder of the Dockerfile, its context, container-image.json and the build record (under the intermediate folder).</summary>
    public required string ContextDirectory { get; init; }
    public string DockerHost { get; init; } = "";
    /// <summary>Push every reference to the registry after the build (ContainerPush; true by default once ContainerRegistry is set).</summary>
    public bool Push { get; init; }
    /// <summary>ContainerArchiveOutputPath: also write the image as a file (daemonless backend); empty for none.</summary>
    public string ArchivePath { get; init; } = "";
    /// <summary>ContainerArchiveFormat: docker (for docker load) or oci (an OCI image layout tar).</summary>
    public string ArchiveFormat { get; init; } = "docker";
    /// <summary>ContainerInsecureRegistries: hosts the in-process registry client reaches over plain HTTP, besides loopback.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];
    /// <summary>ContainerSbom: write an SBOM of the image beside container-image.json (true by default).</summary>
    public bool Sbom { get; init; }
    /// <summary>ContainerSbomFormat: cyclonedx (a CycloneDX 1.6 document) or spdx (an SPDX 2.3 document as well).</summary>
    public string SbomFormat { get; init; } = "cyclonedx";
    /// <summary>One publish per RID, when the app is published per RID for several ContainerRuntimeIdentifiers; else empty.</summary>
    public IReadOnlyList<RuntimePublish> RuntimePublishes { get; init; } = [];
    /// <summary>ContainerLockFile: the base-image lock (containerize.lock.json beside the project), used while it exists; empty for none.</summary>
    public string LockFile { get; init; } = "";
    /// <summary>ContainerLockedMode: every base must be in the lock, and the lock must exist.</summary>
    public bool LockedMode { get; init; }
    /// <summary>ContainerProvenance: attach a SLSA provenance statement to the pushed image (true by default).</summary>
    public bool Provenance { get; init; }
    /// <summary>ContainerSigningKey (with CONTAINERIZE_SIGNING_KEY_PASSWORD): sign the pushed image and what is attached to it; null for none.</summary>
    public SigningKeySource? SigningKey { get; init; }
}

/// <summary>Where the signing key is and the password that opens it; the password is never printed, not even by ToString.</summary>
public sealed record SigningKeySource(string Path, string? Password)
{
    public override string ToString() => $"{nameof(SigningKeySource)} {{ Path = {Path} }}";
}

/// <summary>The publish output for one RID: its folder, the origins of its files and the files it produced (null: every file of the folder).</summary>
public sealed record RuntimePublish(string RuntimeIdentifier, string PublishDirectory, IReadOnlyDictionary<string, PublishedFileOrigin> Origins, IReadOnlySet<string>? Published = null);

/// <summary>What a run made: the image, its references, where its Dockerfile is, which backend made it, and where it went.</summary>
/// <param name="Digest">The registry's manifest digest when the image was pushed.</param>
public sealed record ContainerizeResult(
    string ImageId,
    IReadOnlyList<string> References,
    string DockerfilePath,
    string BaseName,
    string? BaseDigest,
    IReadOnlyList<string> Platforms,
    bool WasUpToDate,
    string? Digest,
    string Backend)
{
    /// <summary>The engine holds the image under <see cref="ImageId"/>: the engine built it, or the daemonless image was loaded into it.</summary>
    public bool InEngine { get; init; }

    /// <summary>The archive the image was written to (ContainerArchiveOutputPath); empty for none.</summary>
    public string ArchivePath { get; init; } = "";

    /// <summary>The SBOM documents of each platform's image, in the order of the job's platforms; empty for none.</summary>
    public IReadOnlyList<SbomDocuments> Sboms { get; init; } = [];

    /// <summary>The provenance statement of the pushed image (container-image.provenance.json), or null for none.</summary>
    public string? Provenance { get; init; }

    /// <summary>Whether signatures of the image (and of its SBOM and provenance) went to the registry with it.</summary>
    public bool Signed { get; init; }

    /// <summary>Where the image went, for the run's closing line: "in the engine as a, b (sha256:…)", "pushed as …", "written to …".</summary>
    public string Destinations()
    {
        var names = string.Join(", ", References);
        var places = new List<string>();
        if (InEngine)
        {
            places.Add($"in the engine as {names} ({ImageId})");
        }

        if (Digest is not null)
        {
            places.Add($"pushed as {names} ({Digest})");
        }

        if (ArchivePath.Length > 0)
        {
            places.Add($"written to {ArchivePath} as {names}");
        }

        return places.Count > 0 ? string.Join("; ", places) : names;
    }
}
