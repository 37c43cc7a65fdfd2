using Containerize.Diagnostics;
using Docker.DotNet;

namespace Containerize.Backends;

/// <summary>
/// One connection to a Docker engine (the Docker Engine API, through Docker.DotNet), in the project's own terms:
/// <see cref="Images"/> (the up-to-date check, base images, docker save and load, the push) and <see cref="Builds"/>
/// (the build of a staged context), <see cref="Files"/> (an image's OS package files, for the SBOM), all making their requests through <see cref="Requests"/>, which turns the
/// engine's failures into CTZ errors and tries again what may be repeated safely.
/// </summary>
public sealed class DockerEngineBackend : IDisposable
{
    private readonly DockerClient client;

    private DockerEngineBackend(DockerClient client, DockerEndpoint endpoint, IBuildLog log, RetryPolicy retries)
    {
        this.client = client;
        Requests = new EngineRequests(client, endpoint, log, retries);
        Images = new EngineImages(Requests, log);
        Builds = new EngineBuilds(Requests, retries, log);
        Files = new EngineImageFiles(Requests, log);
    }

    public EngineRequests Requests { get; }

    public EngineImages Images { get; }

    public EngineBuilds Builds { get; }

    public EngineImageFiles Files { get; }

    /// <param name="retries">For requests that may be repeated safely (queries, pulls, pushes) after a transient engine failure, and a build the engine itself failed.</param>
    public static DockerEngineBackend Connect(DockerEndpoint endpoint, IBuildLog log, RetryPolicy retries)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (endpoint.Tls is { } tls)
        {
            builder = builder.WithAuthProvider(EngineTlsCredentials.Create(tls));
        }

        return new(builder.Build(), endpoint, log, retries);
    }

    public void Dispose() => client.Dispose();
}
