using System.Net;
using System.Net.Sockets;
using Containerize.Diagnostics;
using Containerize.Registries;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// How every request to the engine is made, for the image side (<see cref="EngineImages"/>), the build side
/// (<see cref="EngineBuilds"/>) and <see cref="ContainerRunner"/>: a refusal becomes CTZ2007 (CTZ2009 when a TLS engine
/// was reached without TLS), a failure to reach the engine CTZ2001; a request that may be repeated safely is tried
/// again after a transient failure (<see cref="IsTransient"/>).
/// </summary>
public sealed class EngineRequests(DockerClient client, DockerEndpoint endpoint, IBuildLog log, RetryPolicy retries)
{
    public DockerClient Client => client;

    public DockerEndpoint Endpoint => endpoint;

    /// <summary>
    /// Runs <paramref name="look"/> on a container made from the image (never started, no network), then removes the
    /// container. When <paramref name="look"/> fails, a removal that fails too is only logged: it never hides the failure.
    /// </summary>
    public async Task<T> InContainerAsync<T>(string image, Func<string, Task<T>> look, CancellationToken cancellation)
    {
        var created = await Call("create a container", () => client.Containers.CreateContainerAsync(
            new CreateContainerParameters { Image = image, Entrypoint = ["/nonexistent"], HostConfig = new HostConfig { NetworkMode = "none" } }, cancellation));
        T result;
        try
        {
            result = await look(created.ID);
        }
        catch
        {
            try
            {
                await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            }
            catch (Exception exception) when (exception is DockerApiException or HttpRequestException or IOException or TimeoutException)
            {
                log.Detail($"The container {created.ID} made from {image} could not be removed: {exception.Message}");
            }

            throw;
        }

        await Call("remove the container", () => client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None));
        return result;
    }

    /// <summary>Runs one engine request; a connection failure becomes the engine-unreachable error, a refusal CTZ2007.</summary>
    /// <remarks>"Image not found" is let through as it is, for <see cref="TryInspectAsync"/>.</remarks>
    public async Task<T> Call<T>(string operation, Func<Task<T>> request)
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

    /// <inheritdoc cref="Call{T}(string, Func{Task{T}})"/>
    public Task Call(string operation, Func<Task> request) =>
        Call(operation, async () =>
        {
            await request();
            return true;
        });

    /// <summary>
    /// An engine request that may be repeated safely, tried again after a transient failure: a 5xx answer of the
    /// engine (for a pull or push, only when its text says the registry failed transiently), a reset connection or a timeout.
    /// </summary>
    /// <param name="reachesRegistry">The engine makes the request of a registry (a pull): its failure is judged by the registry's.</param>
    public Task<T> Retried<T>(string operation, Func<Task<T>> request, CancellationToken cancellation, bool reachesRegistry = false) =>
        retries.RunAsync(
            () => Call(operation, request),
            exception => IsTransient(exception, reachesRegistry),
            (exception, attempt, delay) => log.Report(Errors.EngineRetry(operation, exception.Message, attempt, retries.Attempts, delay)),
            cancellation);

    /// <inheritdoc cref="Retried{T}(string, Func{Task{T}}, CancellationToken, bool)"/>
    public Task Retried(string operation, Func<Task> request, CancellationToken cancellation, bool reachesRegistry = false) =>
        Retried(operation, async () =>
        {
            await request();
            return true;
        }, cancellation, reachesRegistry);

    /// <summary>The engine's view of an image (a tag, digest reference or id), or null when it has no such image; asked again after a transient failure.</summary>
    public async Task<ImageInspectResponse?> TryInspectAsync(string name, CancellationToken cancellation)
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

    /// <summary>Whether a failed engine request may pass when tried again (for a request that reaches a registry, judged by the registry's failure).</summary>
    public static bool IsTransient(Exception exception, bool reachesRegistry) => exception.InnerException switch
    {
        DockerApiException api => (int)api.StatusCode >= 500 && (!reachesRegistry || PushFailure.IsTransient(api.ResponseBody ?? "")),
        { } inner when exception is ContainerizeException { Diagnostic.Code: Errors.EngineUnreachableCode } =>
            Innermost(inner) is not SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.HostNotFound },
        _ => false,
    };

    /// <summary>A failure to reach the engine at all, however the transport wraps it (Docker.DotNet's TCP transport throws an AggregateException).</summary>
    private static bool IsConnectionFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or TimeoutException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.All(IsConnectionFailure));

    private static Exception Innermost(Exception exception) =>
        exception.InnerException is null ? exception : Innermost(exception.InnerException);
}
