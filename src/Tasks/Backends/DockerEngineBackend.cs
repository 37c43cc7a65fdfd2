using System.Net;
using System.Text.Json;
using Containerize.Backends.BuildKit;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Registries;
using Containerize.Spec;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>The Docker Engine API (Docker.DotNet), in the project's own terms: base images, builds, the up-to-date check.</summary>
public sealed class DockerEngineBackend : IDisposable
{
    private readonly DockerClient client;
    private readonly DockerEndpoint endpoint;
    private readonly IBuildLog log;
    private readonly RetryPolicy retries;

    private DockerEngineBackend(DockerClient client, DockerEndpoint endpoint, IBuildLog log, RetryPolicy retries)
    {
        this.client = client;
        this.endpoint = endpoint;
        this.log = log;
        this.retries = retries;
    }

    public DockerClient Client => client;

    /// <param name="retries">For requests that may be repeated safely (queries, pulls, pushes) after a transient engine failure.</param>
    public static DockerEngineBackend Connect(DockerEndpoint endpoint, IBuildLog log, RetryPolicy retries)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (endpoint.Tls is { } tls)
        {
            builder = builder.WithAuthProvider(EngineTlsCredentials.Create(tls));
        }

        return new(builder.Build(), endpoint, log, retries);
    }

    /// <summary>
    /// One engine call: true when every reference still names the recorded image and the engine's base image is the recorded one.
    /// </summary>
    public async Task<bool> IsUpToDateAsync(BuildRecord record, ImageReference baseImage, CancellationToken cancellation)
    {
        var ids = await ImageIdsAsync(record.References.Append(baseImage.ToString()).ToList(), cancellation);
        return record.References.All(reference => ids.GetValueOrDefault(reference) == record.ImageId)
            && ids.GetValueOrDefault(baseImage.ToString()) == record.BaseImageId;
    }

    /// <summary>One engine request: true when every reference names the image with this id.</summary>
    public async Task<bool> HoldsAsync(IReadOnlyList<string> references, string imageId, CancellationToken cancellation)
    {
        var ids = await ImageIdsAsync(references, cancellation);
        return references.All(reference => ids.GetValueOrDefault(reference) == imageId);
    }

    /// <summary>The image id each name (tag or digest reference) stands for in the engine, in one request; missing names are left out.</summary>
    private async Task<Dictionary<string, string>> ImageIdsAsync(IReadOnlyList<string> names, CancellationToken cancellation)
    {
        var images = await Retried("list images", () => client.Images.ListImagesAsync(
            new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = names.Distinct().ToDictionary(name => name, _ => true) } },
            cancellation), cancellation);
        var ids = new Dictionary<string, string>();
        foreach (var name in names)
        {
            var image = images.FirstOrDefault(image => image.RepoTags?.Contains(name) == true || image.RepoDigests?.Contains(name) == true);
            if (image is not null)
            {
                ids[name] = image.ID;
            }
        }

        return ids;
    }

    /// <summary>Writes the references as a docker archive (docker save), beside the path first so no half archive is left under its name.</summary>
    public async Task SaveAsync(IReadOnlyList<string> references, string path, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
        await using (var archive = await Call("save the image", () => client.Images.SaveImagesAsync(references.ToArray(), cancellation)))
        await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            await archive.CopyToAsync(output, cancellation);
        }

        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Loads a docker archive (docker load), which tags the image with the archive's references.</summary>
    /// <returns>
    /// The id the engine gives the loaded image under <paramref name="reference"/>: the config's digest in the engine's
    /// own image store, the digest of the manifest the engine made for it in the containerd image store.
    /// </returns>
    public async Task<string> LoadAsync(string archivePath, string reference, CancellationToken cancellation)
    {
        var messages = new EngineMessages(log);
        await using var archive = File.OpenRead(archivePath);
        await Call("load the image", () => client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive, messages, cancellation));
        if (messages.Error is not null)
        {
            throw new ContainerizeException(Errors.EngineRequestFailed("load the image", messages.Error));
        }

        var loaded = await TryInspectAsync(reference, cancellation)
            ?? throw new ContainerizeException(Errors.EngineRequestFailed("load the image", $"the engine reported success but has no image {reference}"));
        return loaded.ID;
    }

    /// <summary>The base image as the engine has it, pulled first (with the registry's credentials, if any) when the engine does not.</summary>
    public async Task<BaseImageFacts> GetBaseImageAsync(ImageReference reference, Func<RegistryCredentials?> credentials, CancellationToken cancellation)
    {
        var name = reference.ToString();
        var image = await TryInspectAsync(name, cancellation);
        if (image is null)
        {
            log.Info($"Pulling {name}");
            var messages = new EngineMessages(log);
            var auth = AuthConfigFor(credentials(), reference.Registry ?? RegistryNames.DockerHub);
            try
            {
                await using var heartbeat = new BuildHeartbeat(log, () => $"Pulling {name}");
                await Retried("pull the base image", () => client.Images.CreateImageAsync(
                    new ImagesCreateParameters { FromImage = (reference with { Tag = null, Digest = null }).ToString(), Tag = reference.Digest ?? reference.Tag ?? "latest" },
                    auth,
                    messages,
                    cancellation), cancellation, reachesRegistry: true);
            }
            catch (ContainerizeException exception) when (exception.InnerException is DockerApiException refusal)
            {
                throw new ContainerizeException(Errors.BaseImageUnavailable(name, (refusal.ResponseBody ?? refusal.Message).Trim()), exception);
            }

            image = await TryInspectAsync(name, cancellation)
                ?? throw new ContainerizeException(Errors.BaseImageUnavailable(name, messages.Error ?? "the engine reported no error, but has no such image"));
        }

        var environment = (image.Config?.Env ?? [])
            .Select(entry => entry.Split('=', 2))
            .GroupBy(parts => parts[0])
            .ToDictionary(group => group.Key, group => group.Last().ElementAtOrDefault(1) ?? "");
        var repository = (reference with { Tag = null, Digest = null }).ToString();
        var digest = image.RepoDigests?.FirstOrDefault(d => d.StartsWith(repository + "@", StringComparison.Ordinal))?.Split('@')[1];
        return new BaseImageFacts(image.ID, digest, environment);
    }

    /// <summary>
    /// The package manager of an image, found by looking for its program in a container made from the image (never
    /// started): apt-get, apk, tdnf, dnf. Null when there is none (a chiseled or distroless image).
    /// </summary>
    public async Task<string?> FindPackageManagerAsync(string image, CancellationToken cancellation)
    {
        var created = await Call("create a container", () => client.Containers.CreateContainerAsync(
            new CreateContainerParameters { Image = image, Entrypoint = ["/nonexistent"], HostConfig = new HostConfig { NetworkMode = "none" } }, cancellation));
        try
        {
            foreach (var (manager, program) in new[] { ("apt", "/usr/bin/apt-get"), ("apk", "/sbin/apk"), ("tdnf", "/usr/bin/tdnf"), ("dnf", "/usr/bin/dnf") })
            {
                try
                {
                    await client.Containers.GetArchiveFromContainerAsync(created.ID, new ContainerPathStatParameters { Path = program }, statOnly: true, cancellation);
                    return manager;
                }
                catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
                {
                }
            }

            return null;
        }
        finally
        {
            await Call("remove the container", () => client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None));
        }
    }

    /// <summary>Builds the staged context with the engine's build endpoint, streaming its output into the log.</summary>
    /// <returns>The new image's id and platform (os/architecture).</returns>
    public async Task<(string Id, string Platform)> BuildAsync(string contextDirectory, IReadOnlyList<string> references, DateTimeOffset fileTime, BuildOptions options,
        CancellationToken cancellation)
    {
        var (buildKit, session) = await ChooseBuilderAsync(options, cancellation);
        await using var _ = session;
        var archive = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(contextDirectory))!, "context.tar");
        try
        {
            // The session host starts while the context is written.
            var serving = session?.ServeAsync(BuildSecretValues.Read(options.Secrets), context: null, options.Credentials, log, cancellation);
            using (var output = new FileStream(archive, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                ContextArchive.Write(contextDirectory, output, fileTime);
            }

            if (serving is not null)
            {
                await serving;
            }

            // Sent again (with the same session) when the engine itself failed; BuildKit's cache makes that quick.
            try
            {
                await retries.RunAsync(async () =>
                    {
                        using var input = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                        if (buildKit)
                        {
                            await BuildWithBuildKitAsync(input, BuildKitRequest.Path(ContextStager.DockerfileName, references, options.NetworkMode, options.BuildArgs,
                                session?.Id), cancellation);
                        }
                        else
                        {
                            await BuildWithLegacyBuilderAsync(input, new ImageBuildParameters
                            {
                                Dockerfile = ContextStager.DockerfileName, Tags = references.ToList(), Remove = true, ForceRemove = true,
                                NetworkMode = options.NetworkMode.Length > 0 ? options.NetworkMode : null,
                                BuildArgs = options.BuildArgs.Count > 0 ? options.BuildArgs.ToDictionary(argument => argument.Key, argument => argument.Value) : null,
                            }, cancellation);
                        }

                        return true;
                    },
                    exception => exception is EngineBuildException { IsTransient: true },
                    (exception, attempt, delay) => log.Report(Errors.EngineRetry("build the image", exception.Message, attempt, retries.Attempts, delay)),
                    cancellation);
            }
            catch (EngineBuildException failure)
            {
                throw new ContainerizeException(failure.Diagnostic, failure);
            }

            var built = await TryInspectAsync(references[0], cancellation)
                ?? throw new ContainerizeException(Errors.BuildFailed($"the engine reported success but has no image {references[0]}"));
            return (built.ID, $"{built.Os}/{built.Architecture}");
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>
    /// Whether to build with BuildKit — never with 'legacy'; with 'buildkit' and 'auto', when the engine takes up a
    /// session (its answer is how BuildKit is known to be there) — and the session the build runs in when it may call
    /// back (<see cref="BuildOptions.NeedsSessionServices"/>); otherwise the upgraded connection is closed at once.
    /// </summary>
    private async Task<(bool BuildKit, BuildKitSession? Session)> ChooseBuilderAsync(BuildOptions options, CancellationToken cancellation)
    {
        var choice = options.Builder.Trim().ToLowerInvariant();
        if (choice == "legacy")
        {
            log.Info("Builder: the legacy builder (ContainerizeBuilder=legacy)");
            return (false, null);
        }

        var (session, answer) = await Call("start a BuildKit session", () => BuildKitSession.RequestAsync(endpoint, cancellation));
        if (session is not null)
        {
            log.Info("Builder: BuildKit");
            if (options.NeedsSessionServices)
            {
                return (true, session);
            }

            await session.DisposeAsync();
            return (true, null);
        }

        if (choice == "buildkit" || options.Secrets.Count > 0)
        {
            throw new ContainerizeException(Errors.EngineOffersNoBuildKit(endpoint.Uri.ToString(), endpoint.Source, answer, forSecrets: choice != "buildkit"));
        }

        log.Info($"Builder: the legacy builder (the engine offers no BuildKit: POST /session answered {answer})");
        return (false, null);
    }

    private async Task BuildWithLegacyBuilderAsync(Stream context, ImageBuildParameters parameters, CancellationToken cancellation)
    {
        var messages = new EngineMessages(log);
        await using (new BuildHeartbeat(log, () => messages.Step))
        {
            await Call("build the image", () => client.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, messages, cancellation));
        }

        if (messages.Error is not null)
        {
            throw new EngineBuildException(messages.Error, messages.Step, messages.StepOutput);
        }
    }

    /// <summary>
    /// BuildKit through the engine (POST /build?version=2&amp;session=…, the context as the request body): its trace
    /// decoded into the log. Sent directly, not through Docker.DotNet, whose build parameters have no session.
    /// </summary>
    private async Task BuildWithBuildKitAsync(Stream context, string path, CancellationToken cancellation)
    {
        var progress = new BuildKitProgress(log);
        string? running = null;
        await using (new BuildHeartbeat(log, () => Volatile.Read(ref running)))
        {
            await Call("build the image", async () =>
            {
                using var http = EngineConnection.CreateHttpClient(endpoint);
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(context) };
                request.Content.Headers.ContentType = new("application/x-tar");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ContainerizeException(Errors.EngineRequestFailed("build the image", BuildKitRequest.ErrorOf(await response.Content.ReadAsStringAsync(cancellation))));
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
                while (await reader.ReadLineAsync(cancellation) is { } line)
                {
                    if (line.Length > 0)
                    {
                        using var message = JsonDocument.Parse(line);
                        progress.Report(message.RootElement);
                        Volatile.Write(ref running, progress.RunningStep);
                    }
                }
            });
        }

        if (progress.Error is not null)
        {
            throw new EngineBuildException(progress.Error, progress.FailedStep, progress.FailedStepOutput);
        }
    }

    /// <summary>Pushes one reference; the engine sends the layers the registry lacks, then the manifest.</summary>
    /// <returns>The registry's manifest digest.</returns>
    /// <exception cref="RegistryPushException">The engine reported the push as failed.</exception>
    public async Task<string> PushAsync(string reference, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var colon = reference.LastIndexOf(':');
        var repository = reference[..colon];
        var messages = new EngineMessages(log);

        if (credentials is not null && endpoint.Tls is null && endpoint.Uri.Scheme is "tcp" or "http")
        {
            log.Report(Errors.CredentialsOverPlainConnection(endpoint.Uri.ToString()));
        }

        // Not retried here: the caller retries the whole push (see IsTransient), once for engine and registry failures alike.
        await Call("push the image", () => client.Images.PushImageAsync(
            repository, new ImagePushParameters { Tag = reference[(colon + 1)..] }, AuthConfigFor(credentials, RegistryNames.Host(repository)), messages, cancellation));
        return messages.Error is not null ? throw new RegistryPushException(messages.Error, messages.EngineRetried)
            : messages.Digest ?? throw new RegistryPushException("the engine reported no manifest digest");
    }

    public void Dispose() => client.Dispose();

    /// <summary>The X-Registry-Auth the engine forwards to the registry; empty for an anonymous request.</summary>
    private static AuthConfig AuthConfigFor(RegistryCredentials? credentials, string host) =>
        credentials is null
            ? new AuthConfig()
            : new AuthConfig { Username = credentials.Username, Password = credentials.Password, IdentityToken = credentials.IdentityToken, ServerAddress = host };

    private async Task<ImageInspectResponse?> TryInspectAsync(string name, CancellationToken cancellation)
    {
        try
        {
            return await Retried("inspect an image", () => client.Images.InspectImageAsync(name, cancellation), cancellation);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (ContainerizeException exception) when (exception.InnerException is DockerApiException { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    /// <summary>Runs one engine request; a connection failure becomes the engine-unreachable error, a refusal CTZ2007.</summary>
    internal async Task<T> Call<T>(string operation, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (DockerImageNotFoundException)
        {
            throw;
        }
        catch (DockerApiException exception) when (exception.ResponseBody?.Contains("HTTP request to an HTTPS server", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new ContainerizeException(Errors.EngineRequiresTls(endpoint.Uri.ToString(), endpoint.Source), exception);
        }
        catch (DockerApiException exception)
        {
            throw new ContainerizeException(Errors.EngineRequestFailed(operation, (exception.ResponseBody ?? exception.Message).Trim()), exception);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            throw new ContainerizeException(Errors.EngineUnreachable(endpoint.Uri.ToString(), endpoint.Source, Innermost(exception).Message), exception);
        }
    }

    internal async Task Call(string operation, Func<Task> request) =>
        await Call(operation, async () => { await request(); return true; });

    /// <summary>
    /// An engine request that may be repeated safely, tried again after a transient failure: a 5xx answer of the
    /// engine (for a pull or push, only when its text says the registry failed transiently), a reset connection or a timeout.
    /// </summary>
    private Task<T> Retried<T>(string operation, Func<Task<T>> request, CancellationToken cancellation, bool reachesRegistry = false) =>
        retries.RunAsync(
            () => Call(operation, request),
            exception => IsTransient(exception, reachesRegistry),
            (exception, attempt, delay) => log.Report(Errors.EngineRetry(operation, exception.Message, attempt, retries.Attempts, delay)),
            cancellation);

    private Task Retried(string operation, Func<Task> request, CancellationToken cancellation, bool reachesRegistry) =>
        Retried(operation, async () => { await request(); return true; }, cancellation, reachesRegistry);

    /// <summary>Whether a failed engine request may pass when tried again (for a request that reaches a registry, judged by the registry's failure).</summary>
    public static bool IsTransient(Exception exception, bool reachesRegistry) => exception.InnerException switch
    {
        DockerApiException api => (int)api.StatusCode >= 500 && (!reachesRegistry || PushFailure.IsTransient(api.ResponseBody ?? "")),
        { } inner when exception is ContainerizeException { Diagnostic.Code: Errors.EngineUnreachableCode } =>
            Innermost(inner) is not System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.AddressNotAvailable or System.Net.Sockets.SocketError.HostNotFound },
        _ => false,
    };

    /// <summary>A failure to reach the engine at all, however the transport wraps it (Docker.DotNet's TCP transport throws an AggregateException).</summary>
    private static bool IsConnectionFailure(Exception exception) =>
        exception is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.All(IsConnectionFailure));

    private static Exception Innermost(Exception exception) =>
        exception.InnerException is null ? exception : Innermost(exception.InnerException);
}
