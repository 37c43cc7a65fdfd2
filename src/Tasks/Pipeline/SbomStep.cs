using System.Security.Cryptography;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Oci;
using Containerize.Sbom;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>What the SBOM says of a built image that only its backend knows.</summary>
/// <param name="Identity">The image's own digest (its config digest, or the engine's image id): the document's serial number comes from it.</param>
/// <param name="ManifestDigest">The manifest digest when known (pushed, or made in-process): the version of the image's purl.</param>
/// <param name="Architecture">amd64, arm64, …</param>
/// <param name="Os">The OS package files of the image and of its base.</param>
public sealed record BuiltImageContents(string Identity, string? ManifestDigest, string Architecture, ImageOsScan Os);

/// <summary>The SBOM documents of one platform of the image, by path.</summary>
/// <param name="Platform">The platform its runtime identifier names (linux-x64: linux/amd64, linux-arm64: linux/arm64/v8).</param>
/// <param name="CycloneDx">The CycloneDX document.</param>
/// <param name="Spdx">The SPDX document (ContainerSbomFormat=spdx), or null.</param>
public sealed record SbomDocuments(Platform Platform, string CycloneDx, string? Spdx)
{
    /// <summary>The documents, the CycloneDX one first.</summary>
    public IReadOnlyList<string> Paths => Spdx is null ? [CycloneDx] : [CycloneDx, Spdx];
}

/// <summary>
/// The step "SBOM" of <see cref="ImagePipeline"/>: the software bill of materials of each platform's image, written
/// beside container-image.json — the app, its NuGet graph (obj/project.assets.json), the .NET runtime in the image, the
/// OS packages of the image (from the backend), and each ContainerFile with its SHA-256 (docs/supply-chain.md).
/// </summary>
public static class SbomStep
{
    private const string Stem = "container-image";
    private const string CycloneDxExtension = ".cdx.json";
    private const string SpdxExtension = ".spdx.json";

    /// <summary>
    /// The documents the job asks for, one entry per platform in the order of <see cref="ImageJob.Targets"/> (none with
    /// ContainerSbom=false): container-image.cdx.json for a single-platform image, container-image.&lt;os&gt;-&lt;architecture&gt;[-&lt;variant&gt;].cdx.json
    /// (container-image.linux-arm64-v8.cdx.json) for each platform of an image index; .spdx.json beside with ContainerSbomFormat=spdx.
    /// </summary>
    public static IReadOnlyList<SbomDocuments> Documents(ImageJob job)
    {
        var targets = job.Targets;
        return !job.Request.Sbom ? [] : targets.Select(target =>
        {
            var stem = Path.Combine(job.Request.ContextDirectory, targets.Count == 1 ? Stem : $"{Stem}.{target.Platform.ToString().Replace('/', '-')}");
            return new SbomDocuments(target.Platform, stem + CycloneDxExtension, job.Request.SbomFormat == "spdx" ? stem + SpdxExtension : null);
        }).ToList();
    }

    /// <summary>Every document the job asks for, by path.</summary>
    public static IReadOnlyList<string> Paths(ImageJob job) => Documents(job).SelectMany(documents => documents.Paths).ToList();

    /// <summary>Whether a path is an SPDX document (else a CycloneDX one).</summary>
    public static bool IsSpdx(string path) => path.EndsWith(SpdxExtension, StringComparison.Ordinal);

    /// <summary>
    /// Removes the documents a job no longer asks for — another format, the single-platform name for an index or the
    /// per-platform names for a single platform, a platform no longer made — so that none describes another image.
    /// </summary>
    public static void RemoveOthers(ImageJob job)
    {
        var folder = job.Request.ContextDirectory;
        if (!Directory.Exists(folder))
        {
            return;
        }

        var wanted = Paths(job);
        foreach (var path in Directory.EnumerateFiles(folder, Stem + ".*.json"))
        {
            if ((path.EndsWith(CycloneDxExtension, StringComparison.Ordinal) || IsSpdx(path)) && !wanted.Contains(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Writes the documents of each platform (<see cref="Documents"/>), from what they say (<paramref name="inputs"/>, in the same order).</summary>
    public static void Write(ImageJob job, IReadOnlyList<SbomInput> inputs, IBuildLog log)
    {
        foreach (var (documents, input) in Documents(job).Zip(inputs))
        {
            foreach (var path in documents.Paths)
            {
                var document = IsSpdx(path) ? SpdxWriter.Write(input) : CycloneDxWriter.Write(input);
                AtomicFile.Write(path, output => output.Write(document),
                    reason => Errors.IntermediateFolderFailed(job.Request.ContextDirectory, $"write the SBOM ({Path.GetFileName(path)})", reason));
            }

            log.Info($"Wrote the SBOM {string.Join(", ", documents.Paths)}: {input.NuGet.Components.Count} NuGet packages and projects, {input.OsPackages.Count} OS packages, {input.Runtimes.Count} .NET runtimes, {input.Files.Count} ContainerFile files");
        }
    }

    /// <summary>Everything the documents of platform <paramref name="platform"/> of the plan say, gathered from the job, the plan and the backend's answer for that platform.</summary>
    public static SbomInput Input<TBase>(ImageJob job, ImagePlan<TBase> plan, int platform, BuiltImageContents contents, IBuildLog log, CancellationToken cancellation)
    {
        var (project, spec, facts) = (job.Request.Project, plan.Platforms[platform].Spec, plan.Platforms[platform].Facts);
        var (runtimeIdentifier, origins) = PublishOf(job, platform);
        var nuget = project.AssetsFile.Length == 0 ? NuGetGraph.Empty
            : AssetsFileReader.Load(project.AssetsFile, project.TargetFramework, runtimeIdentifier).WithPublishedFiles(origins);
        var os = OsPackageInventory.Read(contents.Os);
        os.Diagnostics.ToList().ForEach(log.Report);
        return new SbomInput
        {
            Name = project.AssemblyName,
            Version = project.Version,
            Seed = contents.Identity,
            Created = spec.Created,
            ToolVersion = Containerizer.ToolVersion,
            Registry = spec.Registry.Length == 0 ? null : spec.Registry,
            Repository = spec.Repository,
            Digest = contents.ManifestDigest,
            Architecture = contents.Architecture,
            NuGet = nuget,
            Runtimes = project.SelfContained || project.PublishAot
                ? DotNetRuntime.FromRuntimePacks(origins)
                : DotNetRuntime.FromBaseImageEnvironment(facts?.Environment ?? new Dictionary<string, string>()),
            OsPackages = os.Packages,
            Files = spec.FileLayers
                .SelectMany(layer => layer.Files.Select(file => new SbomFile(
                    layer.DestinationIn(spec.WorkingDirectory).TrimEnd('/') + "/" + file.RelativePath, Sha256(file.SourcePath, cancellation))))
                .ToList(),
        };
    }

    /// <summary>
    /// The publish the image of platform <paramref name="platform"/> holds: the assets file's target to read (its
    /// runtime identifier; null for a portable publish) and where each published file came from. Published per RID:
    /// that RID's own publish. Else the one publish: the project's RuntimeIdentifier, or for a single-platform image the
    /// one RID ContainerRuntimeIdentifiers names; an index of a portable publish holds the portable target's files on
    /// every platform.
    /// </summary>
    private static (string? RuntimeIdentifier, IEnumerable<PublishedFileOrigin> Origins) PublishOf(ImageJob job, int platform)
    {
        var (request, project) = (job.Request, job.Request.Project);
        var identifier = platform < job.PlatformSpecs.Count ? job.PlatformSpecs[platform].RuntimeIdentifier : null;
        if (request.RuntimePublishes.FirstOrDefault(publish => publish.RuntimeIdentifier == identifier) is { } own)
        {
            return (own.RuntimeIdentifier, own.Origins.Values);
        }

        var runtimeIdentifier = project.RuntimeIdentifier.Length > 0 ? project.RuntimeIdentifier : job.Targets.Count == 1 ? job.Spec.RuntimeIdentifiers.FirstOrDefault() : null;
        return (string.IsNullOrEmpty(runtimeIdentifier) ? null : runtimeIdentifier, request.Origins.Values);
    }

    private static string Sha256(string path, CancellationToken cancellation)
    {
        using var stream = SourceFiles.OpenRead(path);
        cancellation.ThrowIfCancellationRequested();
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
