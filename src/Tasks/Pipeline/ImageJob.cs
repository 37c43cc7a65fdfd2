using Containerize.Backends;
using Containerize.Dockerfile;
using Containerize.Lock;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>One image to make, whatever the backend: the resolved spec, its fingerprint and where its files go.</summary>
public sealed record ImageJob(ContainerizeRequest Request, ContainerSpec Spec, string Fingerprint)
{
    /// <summary>
    /// For several platforms, each RID with its spec: the same spec for a portable publish, or the spec with that
    /// RID's own layers for a publish per RID.
    /// </summary>
    public IReadOnlyList<(string RuntimeIdentifier, ContainerSpec Spec)> PlatformSpecs { get; init; } = [];

    /// <summary>The key that signs the pushed image (ContainerSigningKey), read and checked before anything is contacted; null for none.</summary>
    public Signing.SigningKey? Signer { get; init; }

    /// <summary>The bases the lock (containerize.lock.json) pinned: the spec already names them by digest.</summary>
    public IReadOnlyList<PinnedBase> Pinned { get; init; } = [];

    /// <summary>The lock's entry for a base the build uses, or null when that base is not pinned by the lock.</summary>
    public PinnedBase? PinOf(ImageReference reference) => Pinned.FirstOrDefault(pin => pin.Pinned == reference);

    /// <summary>Each platform to make, with its spec: <see cref="PlatformSpecs"/>, else the one platform of the RID (the project's, else this machine's).</summary>
    public IReadOnlyList<(Platform Platform, ContainerSpec Spec)> Targets => PlatformSpecs.Count > 0
        ? PlatformSpecs.Select(entry => (Platform.ForRuntimeIdentifier(entry.RuntimeIdentifier), entry.Spec)).ToList()
        : [(Platform.ForRuntimeIdentifier(Request.Project.RuntimeIdentifier), Spec)];

    public string DockerfilePath => Path.Combine(Request.ContextDirectory, ContextStager.DockerfileName);

    public string RecordPath => Path.Combine(Request.ContextDirectory, BuildRecord.FileName);

    /// <summary>The push registry's host, or null when nothing is pushed.</summary>
    public string? PushHost => PushHostOf(Request, Spec);

    /// <summary>The push registry's host for a request and its resolved spec (before there is a job), or null when nothing is pushed.</summary>
    public static string? PushHostOf(ContainerizeRequest request, ContainerSpec spec) => request.Push && spec.Registry.Length > 0 ? RegistryNames.Host(spec.Registry) : null;

    /// <summary>The repository path in the push registry: its namespace (if any) and the repository.</summary>
    public string PushRepository => Spec.Registry.IndexOf('/') is var slash and >= 0 ? Spec.Registry[(slash + 1)..] + "/" + Spec.Repository : Spec.Repository;

    public string BaseHost => RegistryNames.HostOf(Spec.BaseImage);

    /// <summary>The images the build starts from: the generated Dockerfile's base, or the FROM lines of the user's own.</summary>
    public IReadOnlyList<ImageReference> Bases => Spec.Dockerfile is null ? [Spec.BaseImage] : DockerfileBases.Find(Spec.Dockerfile);

    /// <summary>The image the final stage starts from; null for a Dockerfile whose FROM names none (scratch, a build argument).</summary>
    public ImageReference? FinalBase => Bases is { Count: > 0 } bases ? bases[^1] : null;

    /// <summary>The final base as the project names it, for container-image.json: by tag when the lock pinned it (the digest is reported beside it).</summary>
    public string BaseName => FinalBase is { } final ? (PinOf(final)?.Project ?? final).ToString() : "";

    /// <summary>File times in layers and contexts: SOURCE_DATE_EPOCH when set (validated by the resolver), else the Unix epoch.</summary>
    public DateTimeOffset FileTime =>
        long.TryParse(Request.Settings.SourceDateEpoch, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;

    /// <summary>The references the registry still lacks according to the record.</summary>
    public bool NeedsPush(BuildRecord record) => PushHost is not null && !record.References.All(reference => record.Pushed?.Contains(reference) == true);

    /// <summary>Whether the push registry still has the recorded image under every tag the record shows pushed (one request: the first tag's digest).</summary>
    public async Task<bool> RegistryHoldsAsync(Registries.RegistryClient target, BuildRecord record, CancellationToken cancellation) =>
        !NeedsPush(record) && await target.GetManifestDigestAsync(PushRepository, Spec.Tags[0], cancellation) == record.Digest;
}
