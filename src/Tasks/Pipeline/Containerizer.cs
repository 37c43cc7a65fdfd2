using Containerize.Backends;
using Containerize.Backends.BuildKit;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Lock;
using Containerize.Oci;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// One containerize run: resolve and validate the spec (no engine or registry yet), plan the layers, choose the
/// backend (<see cref="BackendChoice"/>: the engine, daemonless, or a BuildKit daemon), let it make (and push) the
/// image, and write container-image.json.
/// </summary>
public sealed class Containerizer(IBuildLog log, DockerEndpointResolver endpoints, CredentialResolver credentials, RetryPolicy retries, BlobCache cache)
{
    public static readonly string ToolVersion = typeof(Containerizer).Assembly.GetName().Version?.ToString() ?? "0";

    private readonly CredentialLookup lookup = new(credentials, log);

    /// <summary>The steps of a run; the attach step reaches the push registry with the in-process client.</summary>
    private ImagePipeline Pipeline => new(log, new AttachStep(log, job => ClientFor(job, job.PushHost!, RegistryAccess.Push)));

    /// <returns>The result, or null when configuration errors were reported.</returns>
    public async Task<ContainerizeResult?> RunAsync(ContainerizeRequest request, CancellationToken cancellation)
    {
        var job = Prepare(request);
        if (job is null)
        {
            return null;
        }

        using var signer = job.Signer;
        var spec = job.Spec;
        if (spec.RuntimeIdentifiers.Count > 1 && request.RuntimePublishes.Count == 0 && !request.Settings.UsesBuildKitDaemon
            && (request.Project.SelfContained || request.Project.PublishAot || request.Project.RuntimeIdentifier.Length > 0))
        {
            // The targets publish per RID in this case; a single RID-specific publish must not go to every platform.
            throw new ContainerizeException(Errors.SeveralRuntimeIdentifiersNeedPortableOutput(string.Join(";", spec.RuntimeIdentifiers)));
        }

        var backend = request.Settings.Backend;
        var endpoint = !BackendChoice.NeedsEndpoint(backend, request.Settings.UsesBuildKitDaemon, spec.RuntimeIdentifiers.Count) ? null
            : backend.Trim().Equals("docker", StringComparison.OrdinalIgnoreCase) ? endpoints.ResolveRequired(request.DockerHost)
            : endpoints.Resolve(request.DockerHost);
        var decision = BackendChoice.Choose(new BackendFacts(backend, request.Settings.UsesBuildKitDaemon, spec.RuntimeIdentifiers.Count, job.PushHost is not null,
            request.ArchivePath.Length > 0, request.ArchivePath.Length > 0 && request.ArchiveFormat == "oci", endpoint));
        switch (decision.Kind)
        {
            case BackendKind.BuildKitDaemon:
                BuildKitImageBuild.Refuse(job);
                using (var daemon = ConnectBuildKit(job))
                {
                    return await Pipeline.RunAsync(job, daemon, cancellation);
                }

            case BackendKind.Daemonless:
                return await RunDaemonlessAsync(job, decision.LoadInto, cancellation);
        }

        try
        {
            using var engine = EngineBuild(endpoint!);
            return await Pipeline.RunAsync(job, engine, cancellation);
        }
        catch (ContainerizeException exception) when (exception.Diagnostic.Code == Errors.EngineUnreachableCode && decision.DaemonlessWhenEngineSilent)
        {
            log.Info($"No engine answers at {endpoint!.Uri} ({endpoint.Source}); making the image daemonless.");
            return await RunDaemonlessAsync(job, loadInto: null, cancellation);
        }
    }

    /// <summary>
    /// -t:GenerateDockerfile: the Dockerfile the image would be built from, written to <paramref name="outputPath"/>
    /// for the user to keep and edit — the spec completed from the base image (through the engine when one answers,
    /// else from its registry), nothing staged or built. An existing file with other content is never overwritten.
    /// </summary>
    /// <returns>False when configuration errors were reported.</returns>
    public async Task<bool> GenerateDockerfileAsync(ContainerizeRequest request, string outputPath, CancellationToken cancellation)
    {
        var job = Prepare(request);
        if (job is null)
        {
            return false;
        }

        using var signer = job.Signer;

        // One platform's base is enough to write the Dockerfile from.
        job = job with { Spec = job.Spec with { Dockerfile = null }, PlatformSpecs = job.PlatformSpecs.Take(1).ToList() };
        var backend = request.Settings.Backend.Trim().ToLowerInvariant();
        var endpoint = backend switch
        {
            _ when request.Settings.UsesBuildKitDaemon => null,
            "daemonless" => null,
            "docker" => endpoints.ResolveRequired(request.DockerHost),
            _ => endpoints.Resolve(request.DockerHost),
        };
        ContainerSpec spec;
        if (endpoint is not null)
        {
            using var engine = EngineBuild(endpoint);
            spec = (await ImagePipeline.PlanAsync(job, engine, cancellation)).Spec;
        }
        else
        {
            if (job.Spec.Packages.Count > 0 && job.Spec.PackageManager.Length == 0)
            {
                throw new ContainerizeException(request.Settings.UsesBuildKitDaemon
                    ? Errors.PackageManagerNeedsTheEngine("the image is built on a BuildKit daemon (ContainerBuildKitHost)")
                    : Errors.PackageManagerNeedsTheEngine());
            }

            using var registry = DaemonlessBuild(job, engine: null);
            spec = (await ImagePipeline.PlanAsync(job, registry, cancellation)).Spec;
        }

        var text = DockerfileWriter.Write(spec, DockerfileWriter.EditableHeader);
        if (File.Exists(outputPath) && await File.ReadAllTextAsync(outputPath, cancellation) != text)
        {
            throw new ContainerizeException(Errors.DockerfileOutputExists(outputPath));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        await File.WriteAllTextAsync(outputPath, text, cancellation);
        log.Info($"Wrote {outputPath}: build with it by setting ContainerDockerfile to it.");
        return true;
    }

    /// <summary>
    /// Resolves and validates the spec and reads the signing key (no engine or registry yet), then plans the layers
    /// (<see cref="Plan"/>); the key is disposed when planning fails.
    /// </summary>
    /// <returns>The job, or null when configuration errors were reported.</returns>
    private ImageJob? Prepare(ContainerizeRequest request)
    {
        var diagnostics = new List<Diagnostic>();
        var spec = SpecResolver.Resolve(request.Project, request.Settings, DiskSpecFiles.Instance, diagnostics);
        IReadOnlyList<PinnedBase> pinned = [];
        if (spec is not null)
        {
            var locked = ApplyLock(request, spec, diagnostics);
            (spec, pinned) = locked is { } applied ? (applied.Spec, applied.Pinned) : (null, []);
        }

        var perRuntime = request.RuntimePublishes.Count > 0;
        if (spec is not null && !perRuntime && !Directory.Exists(request.PublishDirectory))
        {
            diagnostics.Add(Errors.PublishOutputMissing(request.PublishDirectory));
            spec = null;
        }

        if (request.ArchiveFormat is not ("docker" or "oci"))
        {
            diagnostics.Add(Errors.UnknownArchiveFormat(request.ArchiveFormat));
            spec = null;
        }

        if (request.SbomFormat is not ("cyclonedx" or "spdx"))
        {
            diagnostics.Add(Errors.UnknownSbomFormat(request.SbomFormat));
            spec = null;
        }

        if (request.ArchivePath.Length > 0 && Directory.Exists(request.ArchivePath))
        {
            diagnostics.Add(Errors.ArchivePathIsAFolder(request.ArchivePath));
            spec = null;
        }

        foreach (var problem in FileSystem.OutputPaths.Check(request.ContextDirectory, request.ArchivePath))
        {
            diagnostics.Add(problem);
            spec = null;
        }

        foreach (var host in request.InsecureRegistries.Where(host => !ReferenceRules.IsRegistry(host)))
        {
            diagnostics.Add(Errors.InvalidInsecureRegistry(host));
            spec = null;
        }

        var signer = request.SigningKey is { } key ? LoadSigningKey(key, spec is null || ImageJob.PushHostOf(request, spec) is not null, diagnostics) : null;
        diagnostics.ForEach(log.Report);
        if (spec is null || diagnostics.Any(diagnostic => diagnostic.Severity == Severity.Error))
        {
            signer?.Dispose();
            return null;
        }

        try
        {
            return Plan(request, spec, pinned) with { Signer = signer };
        }
        catch
        {
            signer?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Plans the layers of a valid spec, per RID when the targets published per RID, and warns of ContainerFile items
    /// the publish output hides (CTZ1071).
    /// </summary>
    private ImageJob Plan(ContainerizeRequest request, ContainerSpec spec, IReadOnlyList<PinnedBase> pinned)
    {
        var perRuntime = request.RuntimePublishes.Count > 0;
        var files = LayerPlanner.PlaceFiles(spec.Files);
        spec = spec with
        {
            Layers = perRuntime ? [] : LayerPlanner.Plan(request.PublishDirectory, request.Project.AssemblyName, request.Origins, request.Published),
            FileLayers = LayerPlanner.GroupFiles(files),
        };
        if (!perRuntime && spec.Layers.Count == 0)
        {
            throw new ContainerizeException(Errors.PublishOutputMissing(request.PublishDirectory));
        }

        var platformSpecs = perRuntime
            ? request.RuntimePublishes.Select(publish => (publish.RuntimeIdentifier, spec with
                {
                    Layers = LayerPlanner.Plan(publish.PublishDirectory, request.Project.AssemblyName, publish.Origins, publish.Published),
                })).ToList()
            : spec.RuntimeIdentifiers.Select(identifier => (identifier, spec)).ToList();
        if (spec.Dockerfile is null)
        {
            // A user's own Dockerfile copies the layers in its own order.
            var publishes = perRuntime ? platformSpecs.Select(entry => entry.Item2.Layers) : [spec.Layers];
            foreach (var hidden in ShadowedFiles.Find(files, publishes, spec.WorkingDirectory))
            {
                log.Report(hidden);
            }
        }

        // Per RID, the files are in each platform's spec: their fingerprints stand for them. The builder (and the BuildKit daemon) shapes the image too.
        var destination = $"{request.ArchivePath}|{request.ArchiveFormat}|{request.Settings.Builder.Trim().ToLowerInvariant()}|sbom={(request.Sbom ? request.SbomFormat : "none")}"
            + (request.Settings.UsesBuildKitDaemon ? $"|buildkit={request.Settings.BuildKitHost.Trim()}" : "")
            + string.Concat(perRuntime ? platformSpecs.Select(entry => $"|{entry.Item1}={SpecFingerprint.Compute(entry.Item2, ToolVersion)}") : []);
        return new ImageJob(request, spec, SpecFingerprint.Compute(spec, ToolVersion, destination)) { PlatformSpecs = platformSpecs, Pinned = pinned };
    }

    /// <summary>
    /// ContainerSigningKey, read and checked (CTZ1086–CTZ1089 into <paramref name="diagnostics"/>) before anything is
    /// contacted; a key with nothing to sign (no push) is a warning (CTZ1090), and still checked.
    /// </summary>
    /// <param name="pushes">Whether the image is pushed; true when the settings are in error (it cannot be told, and the errors come first).</param>
    private static Signing.SigningKey? LoadSigningKey(SigningKeySource source, bool pushes, List<Diagnostic> diagnostics)
    {
        try
        {
            var key = Signing.SigningKey.Load(source.Path, source.Password);
            if (!pushes)
            {
                diagnostics.Add(Errors.SigningKeyWithoutPush(source.Path));
            }

            return key;
        }
        catch (ContainerizeException exception)
        {
            diagnostics.Add(exception.Diagnostic);
            return null;
        }
    }

    /// <summary>
    /// -t:UpdateContainerLock: resolves the project's base references as a build would (every configuration check),
    /// asks their registries what each tag names now — no engine, nothing published or built — and writes the lock
    /// (ContainerLockFile) when that changed it.
    /// </summary>
    /// <returns>False when configuration errors were reported.</returns>
    public async Task<bool> UpdateLockAsync(ContainerizeRequest request, CancellationToken cancellation)
    {
        var diagnostics = new List<Diagnostic>();
        var spec = SpecResolver.Resolve(request.Project, request.Settings, DiskSpecFiles.Instance, diagnostics);
        foreach (var host in request.InsecureRegistries.Where(host => !ReferenceRules.IsRegistry(host)))
        {
            diagnostics.Add(Errors.InvalidInsecureRegistry(host));
            spec = null;
        }

        diagnostics.ForEach(log.Report);
        if (spec is null)
        {
            return false;
        }

        var job = new ImageJob(request, spec, "");
        var references = LockedBases.Lockable(spec);
        var before = TryLoad(request.LockFile);
        var locker = new BaseImageLocker(host => ClientFor(job, host, RegistryAccess.Pull), log);
        var baseLock = await locker.LockAsync(references, cancellation);
        foreach (var (reference, entry) in baseLock.Bases.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            var old = before?.Bases.GetValueOrDefault(reference)?.Digest;
            log.Important(old is null ? $"Locked {reference} to {entry.Digest}."
                : old == entry.Digest ? $"{reference} stays locked to {entry.Digest}."
                : $"Locked {reference} to {entry.Digest} (was {old}).");
        }

        var written = BaseImageLockFile.Write(request.LockFile, baseLock);
        log.Important(written ? $"Wrote {request.LockFile} ({baseLock.Bases.Count} base image(s))." : $"{request.LockFile} is up to date.");
        return true;
    }

    /// <summary>The lock, read and applied to the resolved spec (CTZ1080–CTZ1084 into <paramref name="diagnostics"/>); null when one of them is an error.</summary>
    private static (ContainerSpec Spec, IReadOnlyList<PinnedBase> Pinned)? ApplyLock(ContainerizeRequest request, ContainerSpec spec, List<Diagnostic> diagnostics)
    {
        try
        {
            return LockedBases.Apply(spec, BaseImageLockFile.Load(request.LockFile), request.LockFile, request.LockedMode, diagnostics);
        }
        catch (ContainerizeException exception)
        {
            diagnostics.Add(exception.Diagnostic);
            return null;
        }
    }

    /// <summary>The lock as it is before an update, or null when there is none or it cannot be read (the update replaces it).</summary>
    private static BaseImageLock? TryLoad(string path)
    {
        try
        {
            return BaseImageLockFile.Load(path);
        }
        catch (ContainerizeException)
        {
            return null;
        }
    }

    /// <param name="loadInto">The engine to load the image into (it goes to no registry and no archive), or null.</param>
    private async Task<ContainerizeResult> RunDaemonlessAsync(ImageJob job, DockerEndpoint? loadInto, CancellationToken cancellation)
    {
        DaemonlessImageBuild.Refuse(job);
        using var daemonless = DaemonlessBuild(job, loadInto is null ? null : Connect(loadInto));
        return await Pipeline.RunAsync(job, daemonless, cancellation);
    }

    /// <summary>The BuildKit daemon backend: the daemon builds and pushes, asking the session for each registry's credentials.</summary>
    private BuildKitImageBuild ConnectBuildKit(ImageJob job)
    {
        var (request, pushHost) = (job.Request, job.PushHost!);
        var endpoint = BuildKitEndpoint.Resolve(request.Settings.BuildKitHost, request.Settings.BuildKitCertificates, File.Exists);
        log.Detail($"BuildKit daemon: {endpoint.Uri}{(endpoint.Tls is null ? "" : $" (TLS, client certificate from {endpoint.Tls.Folder})")}");
        var insecure = RegistryNames.IsLoopback(pushHost) || request.InsecureRegistries.Contains(pushHost);
        return new BuildKitImageBuild(BuildKitDaemon.Connect(endpoint, log), (host, access) => ClientFor(job, host, access), new DaemonlessBackend(cache, log),
            host => lookup.Find(host, host == pushHost ? RegistryAccess.Push : RegistryAccess.Pull, pushHost), insecure, log);
    }

    private DaemonlessImageBuild DaemonlessBuild(ImageJob job, DockerEngineBackend? engine) =>
        new(new DaemonlessBackend(cache, log), (host, access) => ClientFor(job, host, access), job, engine, log);

    /// <summary>The in-process registry client for a host, with the credentials for that access; plain HTTP for loopback and ContainerInsecureRegistries.</summary>
    private RegistryClient ClientFor(ImageJob job, string host, RegistryAccess access) => new(
        host, lookup.Find(host, access, job.PushHost), RegistryNames.IsLoopback(host) || job.Request.InsecureRegistries.Contains(host), retries, log);

    /// <summary>The engine backend: the engine builds (and pushes); base images' OS files are kept beside the blob cache.</summary>
    private EngineImageBuild EngineBuild(DockerEndpoint endpoint) => new(Connect(endpoint), lookup, retries, new Sbom.OsScanCache(cache.Folder), log);

    private DockerEngineBackend Connect(DockerEndpoint endpoint)
    {
        log.Detail($"Docker engine: {endpoint.Uri} (from {endpoint.Source})");
        return DockerEngineBackend.Connect(endpoint, log, retries);
    }
}
