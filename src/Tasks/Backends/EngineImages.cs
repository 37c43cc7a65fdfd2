using System.Net;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Registries;
using Containerize.Spec;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// The engine's images: whether it holds the built image (the up-to-date check), the base image (pulled when missing,
/// then inspected; looked into for a package manager), docker save and docker load, and the push.
/// </summary>
public sealed class EngineImages(EngineRequests requests, IBuildLog log)
{
    private DockerClient Client => requests.Client;

    /// <summary>
    /// One engine call: true when every reference still names the recorded image and the engine's base image is the recorded one.
    /// </summary>
    public async Task<bool> IsUpToDateAsync(BuildRecord record, ImageReference baseImage, CancellationToken cancellation)
    {
        var ids = await ImageIdsAsync(record.References.Append(EngineName(baseImage)).ToList(), cancellation);
        return record.References.All(reference => ids.GetValueOrDefault(reference) == record.ImageId)
            && ids.GetValueOrDefault(EngineName(baseImage)) == record.BaseImageId;
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
        var images = await requests.Retried("list images", () => Client.Images.ListImagesAsync(
            new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = names.SelectMany(EngineImageNames.FilterForms).Distinct().ToDictionary(name => name, _ => true) } },
            cancellation), cancellation);
        var ids = new Dictionary<string, string>();
        foreach (var name in names)
        {
            var image = images.FirstOrDefault(image => (image.RepoTags ?? []).Concat(image.RepoDigests ?? []).Any(listed => EngineImageNames.Same(name, listed)));
            if (image is not null)
            {
                ids[name] = image.ID;
            }
        }

        return ids;
    }

    /// <summary>Writes the references as a docker archive (docker save), beside the path first so no half archive is left under its name.</summary>
    /// <exception cref="ContainerizeException">
    /// CTZ2020 when the file cannot be written, CTZ1064 when something other than a file is in its place; CTZ2001 or
    /// CTZ2007 when the engine fails to give the archive (reading it from the engine is an engine request, writing it is not).
    /// </exception>
    public async Task SaveAsync(IReadOnlyList<string> references, string path, CancellationToken cancellation)
    {
        await using var archive = await requests.Call("save the image", () => Client.Images.SaveImagesAsync(references.ToArray(), cancellation));
        var buffer = new byte[1 << 16];
        await AtomicFile.WriteArchiveAsync(path, async output =>
        {
            int read;
            while ((read = await requests.Call("save the image", () => archive.ReadAsync(buffer, cancellation).AsTask())) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
        });
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
        await requests.Call("load the image", () => Client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive, messages, cancellation));
        if (messages.Error is not null)
        {
            throw new ContainerizeException(Errors.EngineRequestFailed("load the image", messages.Error));
        }

        var loaded = await requests.TryInspectAsync(reference, cancellation)
            ?? throw new ContainerizeException(Errors.EngineRequestFailed("load the image", $"the engine reported success but has no image {reference}"));
        return loaded.ID;
    }

    /// <summary>
    /// The name the engine knows a base image by: repository@digest when a reference names both a tag and a digest (a
    /// locked base, repository:tag@sha256:…), as the engine records it among the image's RepoDigests and lists it by;
    /// the digest decides which image it is either way.
    /// </summary>
    public static string EngineName(ImageReference reference) =>
        (reference.Digest is not null && reference.Tag is not null ? reference with { Tag = null } : reference).ToString();

    /// <summary>The base image as the engine has it, pulled first (with the registry's credentials, if any) when the engine does not.</summary>
    public async Task<BaseImageFacts> GetBaseImageAsync(ImageReference reference, Func<RegistryCredentials?> credentials, CancellationToken cancellation)
    {
        var name = EngineName(reference);
        var image = await requests.TryInspectAsync(name, cancellation);
        if (image is null)
        {
            log.Info($"Pulling {name}");
            var messages = new EngineMessages(log);
            var auth = AuthConfigFor(credentials(), reference.Registry ?? RegistryNames.DockerHub);
            try
            {
                await using var heartbeat = new BuildHeartbeat(log, () => $"Pulling {name}");
                await requests.Retried("pull the base image", () => Client.Images.CreateImageAsync(
                    new ImagesCreateParameters { FromImage = (reference with { Tag = null, Digest = null }).ToString(), Tag = reference.Digest ?? reference.Tag ?? "latest" },
                    auth,
                    messages,
                    cancellation), cancellation, reachesRegistry: true);
            }
            catch (ContainerizeException exception) when (exception.InnerException is DockerApiException refusal)
            {
                throw new ContainerizeException(Errors.BaseImageUnavailable(name, (refusal.ResponseBody ?? refusal.Message).Trim()), exception);
            }

            image = await requests.TryInspectAsync(name, cancellation)
                ?? throw new ContainerizeException(Errors.BaseImageUnavailable(name, messages.Error ?? "the engine reported no error, but has no such image"));
        }

        var environment = (image.Config?.Env ?? [])
            .Select(entry => entry.Split('=', 2))
            .GroupBy(parts => parts[0])
            .ToDictionary(group => group.Key, group => group.Last().ElementAtOrDefault(1) ?? "");
        var repository = (reference with { Tag = null, Digest = null }).ToString();
        var digest = reference.Digest ?? image.RepoDigests?.Select(listed => listed.Split('@')).FirstOrDefault(parts => parts.Length == 2 && EngineImageNames.Same(repository, parts[0]))?[1];
        return new BaseImageFacts(image.ID, digest, environment);
    }

    /// <summary>
    /// The package manager of an image, found by looking for its program in a container made from the image (never
    /// started): apt-get, apk, tdnf, dnf. Null when there is none (a chiseled or distroless image).
    /// </summary>
    public Task<string?> FindPackageManagerAsync(string image, CancellationToken cancellation) => requests.InContainerAsync(image, async container =>
    {
        foreach (var (manager, program) in new[] { ("apt", "/usr/bin/apt-get"), ("apk", "/sbin/apk"), ("tdnf", "/usr/bin/tdnf"), ("dnf", "/usr/bin/dnf") })
        {
            try
            {
                await Client.Containers.GetArchiveFromContainerAsync(container, new ContainerPathStatParameters { Path = program }, statOnly: true, cancellation);
                return manager;
            }
            catch (DockerApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }

        return (string?)null;
    }, cancellation);

    /// <summary>Pushes one reference; the engine sends the layers the registry lacks, then the manifest.</summary>
    /// <returns>The registry's manifest digest.</returns>
    /// <exception cref="RegistryPushException">The engine reported the push as failed.</exception>
    public async Task<string> PushAsync(string reference, RegistryCredentials? credentials, CancellationToken cancellation)
    {
        var colon = reference.LastIndexOf(':');
        var repository = reference[..colon];
        var messages = new EngineMessages(log);
        var endpoint = requests.Endpoint;
        if (credentials is not null && endpoint.Tls is null && endpoint.Uri.Scheme is "tcp" or "http")
        {
            log.Report(Errors.CredentialsOverPlainConnection(endpoint.Uri.ToString()));
        }

        // Not retried here: the caller retries the whole push (see EngineRequests.IsTransient), once for engine and registry failures alike.
        await requests.Call("push the image", () => Client.Images.PushImageAsync(
            repository, new ImagePushParameters { Tag = reference[(colon + 1)..] }, AuthConfigFor(credentials, RegistryNames.Host(repository)), messages, cancellation));
        return messages.Error is not null ? throw new RegistryPushException(messages.Error, messages.EngineRetried)
            : messages.Digest ?? throw new RegistryPushException("the engine reported no manifest digest");
    }

    /// <summary>The X-Registry-Auth the engine forwards to the registry; empty for an anonymous request.</summary>
    private static AuthConfig AuthConfigFor(RegistryCredentials? credentials, string host) =>
        credentials is null
            ? new AuthConfig()
            : new AuthConfig { Username = credentials.Username, Password = credentials.Password, IdentityToken = credentials.IdentityToken, ServerAddress = host };
}
