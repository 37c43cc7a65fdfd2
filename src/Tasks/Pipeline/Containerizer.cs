using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Layers;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// One containerize run, in order: resolve and validate the spec (no engine yet), find the engine, skip the build
/// when nothing changed, complete the spec from the base image, stage the Dockerfile and context, build, push, report.
/// </summary>
public sealed class Containerizer(IBuildLog log, DockerEndpointResolver endpoints, CredentialResolver credentials, RetryPolicy retries)
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
        var pushHost = request.Push && spec.Registry.Length > 0 ? RegistryNames.Host(spec.Registry) : null;

        using var engine = DockerEngineBackend.Connect(endpoint, log, retries);
        log.Detail($"Docker engine: {endpoint.Uri} (from {endpoint.Source})");
        var record = BuildRecord.Load(recordPath);
        var upToDate = record is not null && record.Fingerprint == fingerprint && File.Exists(dockerfilePath)
            && await engine.IsUpToDateAsync(record, spec.BaseImage, cancellation);
        if (upToDate)
        {
            log.Info($"{spec.References.First()} is up to date ({record!.ImageId}).");
        }
        else
        {
            var baseImage = await engine.GetBaseImageAsync(
                spec.BaseImage, () => Credentials(RegistryNames.Host(spec.BaseImage.Registry ?? RegistryNames.DockerHub), RegistryAccess.Pull, pushHost), cancellation);
            spec = BaseImageCompletion.Complete(spec, baseImage);
            ContextStager.Stage(spec, request.ContextDirectory);
            log.Info($"Building {string.Join(", ", spec.References)} from {dockerfilePath}");
            var references = spec.References.ToList();
            var (imageId, platform) = await engine.BuildAsync(request.ContextDirectory, references, FileTime(request.Settings.SourceDateEpoch), cancellation);
            record = new BuildRecord(fingerprint, baseImage.Id, baseImage.Digest, imageId, platform, references);
            record.Save(recordPath);
        }

        if (pushHost is not null && !record!.References.All(reference => record.Pushed?.Contains(reference) == true))
        {
            record = record with { Digest = await PushAsync(engine, record.References, pushHost, cancellation), Pushed = record.References };
            record.Save(recordPath);
        }

        var result = new ContainerizeResult(record!.ImageId, record.References, dockerfilePath, spec.BaseImage.ToString(), record.BaseImageDigest,
            record.Platform, upToDate, pushHost is null ? null : record.Digest);
        ImageReport.Write(reportPath, result, backend: "docker");
        return result;
    }

    /// <returns>The manifest digest the registry reported (the same for every tag of one image).</returns>
    private async Task<string> PushAsync(DockerEngineBackend engine, IReadOnlyList<string> references, string host, CancellationToken cancellation)
    {
        var pushCredentials = Credentials(host, RegistryAccess.Push, host);
        var digest = "";
        foreach (var reference in references)
        {
            log.Info($"Pushing {reference}");
            try
            {
                digest = await retries.RunAsync(
                    () => engine.PushAsync(reference, pushCredentials, cancellation),
                    exception => exception is RegistryPushException push
                        ? !push.EngineRetried && PushFailure.IsTransient(push.Message)
                        : DockerEngineBackend.IsTransient(exception, reachesRegistry: true),
                    (exception, attempt, delay) => log.Report(Errors.PushRetry(reference, exception.Message, attempt, retries.Attempts, delay)),
                    cancellation);
            }
            catch (RegistryPushException exception)
            {
                var attempts = PushFailure.IsTransient(exception.Message) && !exception.EngineRetried ? retries.Attempts : 1;
                throw new ContainerizeException(PushFailure.Explain(exception.Message, host, reference, pushCredentials, attempts));
            }

            log.Info($"Pushed {reference} ({digest})");
        }

        return digest;
    }

    private RegistryCredentials? Credentials(string host, RegistryAccess access, string? pushHost)
    {
        var diagnostics = new List<Diagnostic>();
        var found = credentials.Resolve(host, access, pushHost, diagnostics);
        diagnostics.ForEach(log.Report);
        log.Detail(found is null ? $"No credentials for {host}: anonymous." : $"Registry {host}: {found}.");
        return found;
    }

    /// <summary>File times in the context: SOURCE_DATE_EPOCH when set (validated by the resolver), else the Unix epoch.</summary>
    private static DateTimeOffset FileTime(string sourceDateEpoch) =>
        long.TryParse(sourceDateEpoch, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;
}
