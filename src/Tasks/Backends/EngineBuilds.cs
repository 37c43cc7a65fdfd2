using System.Text.Json;
using Containerize.Backends.BuildKit;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.FileSystem;
using Containerize.Spec;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// The engine's build of a staged context: BuildKit or the legacy builder (<see cref="ChooseBuilderAsync"/>), the
/// context sent as a tar, the engine's output streamed into the log, one failure of the engine itself tried again.
/// </summary>
public sealed class EngineBuilds(EngineRequests requests, RetryPolicy retries, IBuildLog log)
{
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
            FileFailures.Guard(() =>
                {
                    using var output = new FileStream(archive, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                    ContextArchive.Write(contextDirectory, output, fileTime);
                },
                reason => Errors.IntermediateFolderFailed(contextDirectory, "write the build context's tar (context.tar)", reason));
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

            var built = await requests.TryInspectAsync(references[0], cancellation)
                ?? throw new ContainerizeException(Errors.BuildFailed($"the engine reported success but has no image {references[0]}"));
            return (built.ID, $"{built.Os}/{built.Architecture}");
        }
        finally
        {
            FileFailures.TryDelete(archive);
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

        var endpoint = requests.Endpoint;
        var (session, answer) = await requests.Call("start a BuildKit session", () => BuildKitSession.RequestAsync(endpoint, cancellation));
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
            await requests.Call("build the image", () => requests.Client.Images.BuildImageFromDockerfileAsync(parameters, context, null, null, messages, cancellation));
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
            await requests.Call("build the image", async () =>
            {
                using var http = EngineConnection.CreateHttpClient(requests.Endpoint);
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
}
