using System.Security.Cryptography;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Sbom;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>What the SBOM says of a built image that only its backend knows.</summary>
/// <param name="Identity">The image's own digest (its config digest, or the engine's image id): the document's serial number comes from it.</param>
/// <param name="ManifestDigest">The manifest digest when known (pushed, or made in-process): the version of the image's purl.</param>
/// <param name="Architecture">amd64, arm64, …</param>
/// <param name="Os">The OS package files of the image and of its base.</param>
public sealed record BuiltImageContents(string Identity, string? ManifestDigest, string Architecture, ImageOsScan Os);

/// <summary>
/// The step "SBOM" of <see cref="ImagePipeline"/>: the image's software bill of materials, written beside
/// container-image.json — the app, its NuGet graph (obj/project.assets.json), the .NET runtime in the image, the OS
/// packages of the image (from the backend), and each ContainerFile with its SHA-256 (docs/supply-chain.md).
/// </summary>
public static class SbomStep
{
    public const string CycloneDxFileName = "container-image.cdx.json";

    public const string SpdxFileName = "container-image.spdx.json";

    /// <summary>The documents the job asks for (none with ContainerSbom=false, and none yet for an image index), by path.</summary>
    public static IReadOnlyList<string> Paths(ImageJob job) => !job.Request.Sbom || job.Targets.Count > 1 ? []
        : job.Request.SbomFormat == "spdx" ? [Path.Combine(job.Request.ContextDirectory, CycloneDxFileName), Path.Combine(job.Request.ContextDirectory, SpdxFileName)]
        : [Path.Combine(job.Request.ContextDirectory, CycloneDxFileName)];

    /// <summary>Removes the documents a job no longer asks for, so that none describes another image.</summary>
    public static void RemoveOthers(ImageJob job)
    {
        foreach (var name in new[] { CycloneDxFileName, SpdxFileName })
        {
            var path = Path.Combine(job.Request.ContextDirectory, name);
            if (!Paths(job).Contains(path))
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Writes the documents the job asks for, from what they say.</summary>
    public static void Write(ImageJob job, SbomInput input, IBuildLog log)
    {
        var paths = Paths(job);
        foreach (var path in paths)
        {
            var document = path.EndsWith(SpdxFileName, StringComparison.Ordinal) ? SpdxWriter.Write(input) : CycloneDxWriter.Write(input);
            AtomicFile.Write(path, output => output.Write(document),
                reason => Errors.IntermediateFolderFailed(job.Request.ContextDirectory, $"write the SBOM ({Path.GetFileName(path)})", reason));
        }

        log.Info($"Wrote the SBOM {string.Join(", ", paths)}: {input.NuGet.Components.Count} NuGet packages and projects, {input.OsPackages.Count} OS packages, {input.Runtimes.Count} .NET runtimes, {input.Files.Count} ContainerFile files");
    }

    /// <summary>Everything the documents say, gathered from the job, the plan and the backend's answer.</summary>
    public static SbomInput Input<TBase>(ImageJob job, PlatformPlan<TBase> platform, BuiltImageContents contents, IBuildLog log, CancellationToken cancellation)
    {
        var (request, project, spec) = (job.Request, job.Request.Project, platform.Spec);
        var origins = request.RuntimePublishes.Count > 0 ? request.RuntimePublishes.SelectMany(publish => publish.Origins.Values) : request.Origins.Values;
        var runtimeIdentifier = project.RuntimeIdentifier.Length > 0 ? project.RuntimeIdentifier : spec.RuntimeIdentifiers.FirstOrDefault();
        var nuget = project.AssetsFile.Length == 0 ? NuGetGraph.Empty
            : AssetsFileReader.Load(project.AssetsFile, project.TargetFramework, string.IsNullOrEmpty(runtimeIdentifier) ? null : runtimeIdentifier).WithPublishedFiles(origins);
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
                : DotNetRuntime.FromBaseImageEnvironment(platform.Facts?.Environment ?? new Dictionary<string, string>()),
            OsPackages = os.Packages,
            Files = spec.FileLayers
                .SelectMany(layer => layer.Files.Select(file => new SbomFile(
                    layer.DestinationIn(spec.WorkingDirectory).TrimEnd('/') + "/" + file.RelativePath, Sha256(file.SourcePath, cancellation))))
                .ToList(),
        };
    }

    private static string Sha256(string path, CancellationToken cancellation)
    {
        using var stream = SourceFiles.OpenRead(path);
        cancellation.ThrowIfCancellationRequested();
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
