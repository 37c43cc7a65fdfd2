using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// One containerize run, in order: resolve and validate the spec (no engine yet), find the engine, skip the build
/// when nothing changed, complete the spec from the base image, stage the Dockerfile and context, build, report.
/// </summary>
public sealed class Containerizer(IBuildLog log, DockerEndpointResolver endpoints)
{
    public static readonly string ToolVersion = typeof(Containerizer).Assembly.GetName().Version?.ToString() ?? "0";

    /// <returns>The result, or null when configuration errors were reported.</returns>
    public async Task<ContainerizeResult?> RunAsync(ContainerizeRequest request, CancellationToken cancellation)
    {
        var diagnostics = new List<Diagnostic>();
        var spec = SpecResolver.Resolve(request.Project, request.Settings, diagnostics);
        if (spec is not null && !Directory.Exists(request.PublishDirectory))
        {
            diagnostics.Add(Errors.PublishOutputMissing(request.PublishDirectory));
            spec = null;
        }

        diagnostics.ForEach(log.Report);
        if (spec is null)
        {
            return null;
        }

        spec = spec with { Layers = LayerPlanner.Plan(request.PublishDirectory, request.Project.AssemblyName, request.Origins) };
        if (spec.Layers.Count == 0)
        {
            throw new ContainerizeException(Errors.PublishOutputMissing(request.PublishDirectory));
        }

        var endpoint = endpoints.ResolveRequired(request.DockerHost);
        var fingerprint = SpecFingerprint.Compute(spec, ToolVersion);
        var dockerfilePath = Path.Combine(request.ContextDirectory, ContextStager.DockerfileName);
        var reportPath = Path.Combine(request.ContextDirectory, ImageReport.FileName);
        var recordPath = Path.Combine(request.ContextDirectory, BuildRecord.FileName);

        using var engine = DockerEngineBackend.Connect(endpoint, log);
        log.Detail($"Docker engine: {endpoint.Uri} (from {endpoint.Source})");
        var previous = BuildRecord.Load(recordPath);
        if (previous is not null && previous.Fingerprint == fingerprint && File.Exists(dockerfilePath) && File.Exists(reportPath)
            && await engine.IsUpToDateAsync(previous, spec.BaseImage, cancellation))
        {
            log.Info($"{spec.References.First()} is up to date ({previous.ImageId}).");
            return new ContainerizeResult(previous.ImageId, previous.References, dockerfilePath, spec.BaseImage.ToString(), previous.BaseImageDigest, previous.Platform, WasUpToDate: true);
        }

        var baseImage = await engine.GetBaseImageAsync(spec.BaseImage, cancellation);
        spec = BaseImageCompletion.Complete(spec, baseImage);
        ContextStager.Stage(spec, request.ContextDirectory);
        log.Info($"Building {string.Join(", ", spec.References)} from {dockerfilePath}");
        var references = spec.References.ToList();
        var (imageId, platform) = await engine.BuildAsync(request.ContextDirectory, references, FileTime(request.Settings.SourceDateEpoch), cancellation);

        var result = new ContainerizeResult(imageId, references, dockerfilePath, spec.BaseImage.ToString(), baseImage.Digest, platform, WasUpToDate: false);
        ImageReport.Write(reportPath, result, digest: null, backend: "docker");
        new BuildRecord(fingerprint, baseImage.Id, baseImage.Digest, imageId, platform, references).Save(recordPath);
        return result;
    }

    /// <summary>File times in the context: SOURCE_DATE_EPOCH when set (validated by the resolver), else the Unix epoch.</summary>
    private static DateTimeOffset FileTime(string sourceDateEpoch) =>
        long.TryParse(sourceDateEpoch, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;
}
