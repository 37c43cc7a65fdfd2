using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Layers;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// One containerize run: resolve and validate the spec (no engine or registry yet), plan the layers, choose the
/// backend, let it make (and push) the image, and write container-image.json.
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

        var job = new ImageJob(request, spec, SpecFingerprint.Compute(spec, ToolVersion));
        var endpoint = endpoints.ResolveRequired(request.DockerHost);
        using var engine = DockerEngineBackend.Connect(endpoint, log, retries);
        log.Detail($"Docker engine: {endpoint.Uri} (from {endpoint.Source})");
        var result = await new EngineImageBuild(engine, new CredentialLookup(credentials, log), retries, log).RunAsync(job, cancellation);
        ImageReport.Write(Path.Combine(request.ContextDirectory, ImageReport.FileName), result);
        return result;
    }
}
