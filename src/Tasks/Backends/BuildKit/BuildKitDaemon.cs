using System.Net.Security;
using System.Security.Cryptography;
using System.Text;
using Containerize.Backends.BuildKit.Protocol;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Registries;
using Containerize.SessionHost;
using Containerize.Spec;
using Grpc.Core;
using Grpc.Net.Client;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// A standalone BuildKit daemon (buildkitd, as buildx's remote driver reaches it: unix:// or tcp:// with TLS client
/// certificates), through its Control API: one Solve with the Dockerfile frontend reading the staged context from this
/// side's session (file sync), the image exported and pushed by the daemon itself; its Status stream is the build's log.
/// </summary>
public sealed class BuildKitDaemon : IDisposable
{
    /// <summary>BuildKit's Status messages carry whole logs; gRPC's 4 MB default is too small for a chatty step.</summary>
    private const int MaxMessageSize = 64 * 1024 * 1024;

    private readonly DockerEndpoint endpoint;
    private readonly IBuildLog log;
    private readonly GrpcChannel channel;
    private readonly Control.ControlClient control;

    private BuildKitDaemon(DockerEndpoint endpoint, IBuildLog log)
    {
        this.endpoint = endpoint;
        this.log = log;
        var handler = new SocketsHttpHandler
        {
            // TLS, where the address has it, is inside the connection; gRPC then speaks HTTP/2 in it (ALPN h2).
            ConnectCallback = async (_, cancellation) => await EngineConnection.OpenAsync(endpoint, cancellation, [SslApplicationProtocol.Http2]),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        };
        channel = GrpcChannel.ForAddress("http://buildkitd", new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = MaxMessageSize });
        control = new Control.ControlClient(channel);
    }

    public static BuildKitDaemon Connect(DockerEndpoint endpoint, IBuildLog log) => new(endpoint, log);

    /// <summary>The daemon's version (BuildKit's Info call), which also proves that it answers: CTZ2017 when it does not.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellation)
    {
        try
        {
            var info = await control.InfoAsync(new InfoRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellation);
            return $"BuildKit {info.BuildkitVersion?.Version}".TrimEnd();
        }
        catch (RpcException exception) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException("cancelled", exception, cancellation);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Unimplemented)
        {
            return "BuildKit (a version from before Info, 0.11)";
        }
        catch (RpcException exception)
        {
            throw new ContainerizeException(Errors.BuildKitUnreachable(endpoint.Uri.ToString(), exception.Status.Detail), exception);
        }
    }

    /// <summary>Builds the staged context and pushes the image under every reference.</summary>
    /// <returns>The manifest digest the daemon pushed, and the image's config digest.</returns>
    public async Task<(string Digest, string ConfigDigest)> BuildAndPushAsync(string contextDirectory, DaemonBuild build, CancellationToken cancellation)
    {
        var sessionId = Guid.NewGuid().ToString("N");
        var buildId = Guid.NewGuid().ToString("N");
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        // One method only: .NET's HTTP/2 client joins a header's values into one field ("a, b"), which BuildKit would
        // read as one unknown method; it looks the list up only to know that the session serves file sync.
        var headers = new Metadata
        {
            { "x-docker-expose-session-uuid", sessionId },
            { "x-docker-expose-session-name", "containerize" },
            { "x-docker-expose-session-sharedkey", SharedKey(contextDirectory) },
            { "x-docker-expose-session-grpc-method", BuildKitSession.FileSyncMethod },
        };

        var progress = new BuildKitProgress(log);
        string? running = null;
        SolveResponse? response = null;
        RpcException? failure = null;
        await using (var session = BuildKitSession.Over(sessionId, new SessionTunnel(control.Session(headers, cancellationToken: ending.Token))))
        {
            await session.ServeAsync(BuildSecretValues.Read(build.Secrets), ContextEntries(contextDirectory, build.FileTime), build.Credentials, log, cancellation);
            var status = FollowAsync(buildId, progress, () => Volatile.Write(ref running, progress.RunningStep), ending.Token);
            await using (new BuildHeartbeat(log, () => Volatile.Read(ref running)))
            {
                try
                {
                    response = await control.SolveAsync(SolveRequestFor(build, buildId, sessionId), cancellationToken: cancellation);
                }
                catch (RpcException exception) when (cancellation.IsCancellationRequested)
                {
                    // Ctrl+C: the cancelled call ends the daemon's build too.
                    throw new OperationCanceledException("the build was cancelled", exception, cancellation);
                }
                catch (RpcException exception)
                {
                    failure = exception;
                }
                finally
                {
                    // The rest of the progress (a failed step's output) before the error is told, then the session ends.
                    await status.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                    await ending.CancelAsync();
                }
            }
        }

        if (failure is not null)
        {
            throw Failure(failure, progress);
        }

        var answer = response!.ExporterResponse;
        return answer.TryGetValue("containerimage.digest", out var digest) && digest.Length > 0
            ? (digest, answer.GetValueOrDefault("containerimage.config.digest", ""))
            : throw new ContainerizeException(Errors.BuildFailed($"it reported no image digest (its answer: {string.Join(", ", answer.Keys)})", builder: $"BuildKit at {endpoint.Uri}"));
    }

    /// <summary>
    /// The build: the Dockerfile frontend on the session's context ("context", "dockerfile"), for the image's platform,
    /// exported as an image and pushed under every reference. SOURCE_DATE_EPOCH with rewrite-timestamp gives the
    /// image's files the time the engine's context tar gives them (the session sends their real times, by which the
    /// daemon knows what changed since its last copy).
    /// </summary>
    internal static SolveRequest SolveRequestFor(DaemonBuild build, string buildId, string sessionId)
    {
        var request = new SolveRequest
        {
            Ref = buildId,
            Session = sessionId,
            Frontend = "dockerfile.v0",
            FrontendAttrs =
            {
                ["filename"] = ContextStager.DockerfileName,
                ["platform"] = build.Platform,
                ["build-arg:SOURCE_DATE_EPOCH"] = build.FileTime.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            ExporterDeprecated = "image",
            ExporterAttrsDeprecated =
            {
                ["name"] = string.Join(",", build.References),
                ["push"] = "true",
                ["rewrite-timestamp"] = "true",
            },
        };
        foreach (var (name, value) in build.BuildArgs)
        {
            request.FrontendAttrs["build-arg:" + name] = value;
        }

        if (build.NetworkMode.Length > 0)
        {
            request.FrontendAttrs["force-network-mode"] = build.NetworkMode;
            if (build.NetworkMode == "host")
            {
                request.Entitlements.Add("network.host");
            }
        }

        if (build.InsecureRegistry)
        {
            request.ExporterAttrsDeprecated["registry.insecure"] = "true";
        }

        return request;
    }

    /// <summary>Reads the build's Status stream into the log until it ends (or the build is over).</summary>
    private async Task FollowAsync(string buildId, BuildKitProgress progress, Action changed, CancellationToken cancellation)
    {
        try
        {
            using var call = control.Status(new StatusRequest { Ref = buildId }, cancellationToken: cancellation);
            while (await call.ResponseStream.MoveNext(cancellation))
            {
                progress.Report(call.ResponseStream.Current);
                changed();
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled || cancellation.IsCancellationRequested)
        {
            // the build is over
        }
        catch (RpcException exception)
        {
            log.Detail($"BuildKit's progress stream ended: {exception.Status.Detail}");
        }
    }

    /// <summary>
    /// The step that failed with its output (CTZ2005) when the progress names one; a daemon gone (CTZ2017) or one that
    /// cannot push (CTZ2018, an engine's built-in BuildKit without the containerd store); else the daemon's error.
    /// </summary>
    private ContainerizeException Failure(RpcException exception, BuildKitProgress progress)
    {
        var address = endpoint.Uri.ToString();
        var detail = exception.Status.Detail;
        var diagnostic = progress.FailedStep is not null ? Errors.BuildFailed(progress.Error ?? detail, progress.FailedStep, progress.FailedStepOutput, $"BuildKit at {address}")
            : exception.StatusCode is StatusCode.Unavailable ? Errors.BuildKitUnreachable(address, detail)
            : detail.Contains("exporter \"image\" could not be found", StringComparison.Ordinal) ? Errors.BuildKitCannotPush(address, detail)
            : Errors.BuildFailed(progress.Error ?? detail, builder: $"BuildKit at {address}");
        return new ContainerizeException(diagnostic, exception);
    }

    /// <summary>
    /// The staged context for the file sync, in walk order: files with their real modification times, by which the
    /// daemon tells what changed since the copy it kept from the last build; folders at the image's file time.
    /// </summary>
    private static IReadOnlyList<ContextEntry> ContextEntries(string contextDirectory, DateTimeOffset fileTime) =>
        ContextArchive.Entries(contextDirectory).Select(entry => entry.IsDirectory
                ? new ContextEntry(entry.Name, (int)entry.Mode, null, 0, fileTime.ToUnixTimeMilliseconds() * 1_000_000)
                : FileEntry(entry))
            .ToList();

    private static ContextEntry FileEntry(ContextArchive.Entry entry)
    {
        var info = new FileInfo(entry.Path);
        var nanoseconds = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new ContextEntry(entry.Name, (int)entry.Mode, entry.Path, info.Length, nanoseconds);
    }

    /// <summary>
    /// The session's shared key: the same for every build of one project folder on one machine, so the daemon reuses
    /// the context it received last time and asks only for what changed.
    /// </summary>
    private static string SharedKey(string contextDirectory) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName + "\n" + Path.GetFullPath(contextDirectory))))[..32].ToLowerInvariant();

    public void Dispose() => channel.Dispose();
}

/// <summary>What a standalone BuildKit daemon builds and where it pushes it.</summary>
/// <param name="Platform">os/architecture[/variant] of the image, from the RID (the daemon may build for another platform than its own).</param>
/// <param name="FileTime">SOURCE_DATE_EPOCH when set, else the Unix epoch: the time of the image's files.</param>
/// <param name="InsecureRegistry">The push registry is reached over plain HTTP (loopback, ContainerInsecureRegistries).</param>
/// <param name="NetworkMode">ContainerBuildNetwork; empty for the daemon's default.</param>
/// <param name="Credentials">A registry host's credentials for the daemon's pulls and its push (null: anonymous).</param>
public sealed record DaemonBuild(
    IReadOnlyList<string> References,
    string Platform,
    DateTimeOffset FileTime,
    bool InsecureRegistry,
    string NetworkMode,
    IReadOnlyList<KeyValuePair<string, string>> BuildArgs,
    IReadOnlyList<BuildSecret> Secrets,
    Func<string, RegistryCredentials?> Credentials);
