namespace Containerize.Diagnostics;

/// <summary>The engine, the BuildKit daemon, the build and the files it writes (CTZ2xxx).</summary>
public static partial class Errors
{
    /// <summary>The code of <see cref="EngineUnreachable"/>, which callers act on (the auto backend's fallback, a retry).</summary>
    public const string EngineUnreachableCode = "CTZ2001";

    public static Diagnostic EngineUnreachable(string endpoint, string source, string reason) => new(EngineUnreachableCode,
        $"The Docker engine at {endpoint} (from {source}) did not answer: {Clause(reason)}. Start the engine, or point Containerize at a running one with ContainerDockerHost or DOCKER_HOST (for example: unix:///var/run/docker.sock or tcp://127.0.0.1:2376).");

    /// <param name="problem">What is wrong with the file, after its path: "is missing", "is not valid JSON", ….</param>
    public static Diagnostic DockerContextNotFound(string name, string metaPath, string problem) => new("CTZ2002",
        $"The current docker context '{name}' has no endpoint: {metaPath} {problem}. Run 'docker context use default', fix the context, or set ContainerDockerHost.");

    /// <summary>The code of <see cref="BaseImageUnavailable"/>, which the base-image lock acts on.</summary>
    public const string BaseImageUnavailableCode = "CTZ2003";

    public static Diagnostic BaseImageUnavailable(string reference, string reason) => new(BaseImageUnavailableCode,
        $"The base image {reference} is not in the engine and could not be pulled: {reason}. Check ContainerBaseImage (or ContainerBaseRegistry and ContainerFamily, from which it was inferred), and that the engine can reach that registry.");

    public static Diagnostic BaseImageHasNoAppUid(string reference) => new("CTZ2004",
        $"The base image {reference} defines no APP_UID, so the user the app should run as is unknown. Set ContainerUser to a non-root user of that image (for example: 1000), or to 'root' to run as root on purpose.");

    /// <param name="step">The step that failed, when the engine's output names it.</param>
    /// <param name="output">The last lines that step printed.</param>
    /// <param name="builder">Who built: the engine, or a BuildKit daemon (named by its address).</param>
    public static Diagnostic BuildFailed(string reason, string? step = null, IReadOnlyList<string>? output = null, string builder = "The engine") => new("CTZ2005",
        $"{builder} could not build the image: {reason}."
        + (step is null ? "" : $" The step that failed: {step}.")
        + (output is { Count: > 0 } ? $" Its last {(output.Count == 1 ? "line" : $"{output.Count} lines")} of output:\n    {string.Join("\n    ", output)}\n" : " ")
        + "The Dockerfile and its context are on disk; 'docker build' on that folder shows the same step.");

    public static Diagnostic ContainerFailed(string image, long exitCode) => new("CTZ2006",
        $"The container of {image} exited with code {exitCode}. Its output is above.");

    public static Diagnostic EngineRequestFailed(string operation, string reason) => new("CTZ2007",
        $"The Docker engine refused to {operation}: {reason}.");

    public static Diagnostic EngineTlsFilesMissing(string source, IEnumerable<string> missing) => new("CTZ2008",
        $"The engine needs TLS ({source}), but {string.Join(", ", missing)} is missing. Put the CA (ca.pem) and the client certificate and key (cert.pem, key.pem) there, or point DOCKER_CERT_PATH at the folder that holds them.");

    public static Diagnostic EngineRequiresTls(string endpoint, string source) => new("CTZ2009",
        $"The engine at {endpoint} (from {source}) accepts only TLS connections. Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use a docker context that holds them).");

    public static Diagnostic BasePlatformMissing(string reference, string platform) => new("CTZ2010",
        $"The base image {reference} has no image for {platform}. Choose a base image that has one, or another RuntimeIdentifier.");

    public static Diagnostic NoPackageManagerInBase(string reference) => new("CTZ2011",
        $"The base image {reference} has no package manager (no apt-get, apk, tdnf or dnf: a chiseled or distroless image), so ContainerPackage cannot be installed. Use a base image with one (for example the non-chiseled tag), copy the files with ContainerFile items, or install them in your own Dockerfile (ContainerDockerfile).");

    public static Diagnostic StepsNeedTheEngine() => new("CTZ2012",
        "ContainerRunCommand and ContainerPackage run steps inside the image, and ContainerDockerfile is built by a Dockerfile builder: only the engine can do that; the daemonless backend only adds layers. Set ContainerizeBackend=docker (or auto with an engine), or remove those settings.");

    public static Diagnostic OwnerNeedsTheEngine(string owner, string what) => new("CTZ2013",
        $"{what} is owned by '{owner}', a name; the daemonless backend writes owners into the layer as numbers and cannot look names up in the base image. Use the numeric uid[:gid] (the .NET images' app user is 1654), or the engine backend (ContainerizeBackend=docker).");

    /// <param name="why">Why no engine can look: none answers, or the image is built on a BuildKit daemon.</param>
    public static Diagnostic PackageManagerNeedsTheEngine(string why = "no engine answers") => new("CTZ2014",
        $"ContainerPackage items need the base image's package manager, which is found by looking into the image through the engine, and {why}. Set ContainerPackageManager (apt, apk, tdnf or dnf), or run an engine.");

    /// <param name="forSecrets">BuildKit is needed for ContainerBuildSecret items (auto chose it), not asked for by ContainerizeBuilder.</param>
    public static Diagnostic EngineOffersNoBuildKit(string endpoint, string source, string answer, bool forSecrets = false) => new("CTZ2015",
        (forSecrets ? "ContainerBuildSecret items need BuildKit" : "ContainerizeBuilder 'buildkit'")
        + $": the engine at {endpoint} (from {source}) does not offer BuildKit — it did not take up a BuildKit session (POST /session answered {answer}). Podman's Docker-compatible API has no BuildKit. "
        + (forSecrets ? "Use an engine with BuildKit (Docker Engine 18.09 and later), or build without the secrets." : "Use ContainerizeBuilder=legacy or auto, or an engine with BuildKit (Docker Engine 18.09 and later)."));

    public static Diagnostic SessionHostFailed(string reason) => new("CTZ2016",
        $"The BuildKit session could not be served: the session host (Containerize.SessionHost, shipped in the Containerize package) failed — {reason}. It needs the ASP.NET Core runtime that every .NET SDK includes; check that 'dotnet --list-runtimes' shows Microsoft.AspNetCore.App, or use ContainerizeBuilder=legacy.");

    public static Diagnostic BuildKitUnreachable(string address, string detail) => new("CTZ2017",
        $"No BuildKit daemon answers at {address} (ContainerBuildKitHost): {detail}. Start buildkitd there (buildkitd --addr {address}), or check the address and, for tcp://, that ContainerBuildKitCertificates holds the client certificate the daemon trusts.");

    public static Diagnostic BuildKitCannotPush(string address, string detail) => new("CTZ2018",
        $"The BuildKit at {address} (ContainerBuildKitHost) cannot export an image to push ({detail}): it is a Docker engine's built-in BuildKit without the containerd image store, whose builds go only into the engine. Point ContainerBuildKitHost at a buildkitd (or an engine with the containerd image store), or build with that engine: ContainerizeBackend=docker.");

    /// <param name="went">Where the image went instead: "was pushed as …", "was written to …".</param>
    /// <param name="instead">How to run it: the docker commands for the registry's digest or the archive.</param>
    public static Diagnostic ImageNotInEngine(string image, string went, string instead) => new("CTZ2019",
        $"RunContainer runs the image this run made in the engine, and {image} {went}, not into the engine (an image of that name the engine may hold is an older one). {instead} Or make the image in the engine: ContainerizeBackend=docker, or daemonless with no ContainerRegistry and no ContainerArchiveOutputPath (it is then loaded into the engine).");

    public static Diagnostic ArchiveWriteFailed(string path, string reason) => new("CTZ2020",
        $"The image archive {path} could not be written: {Clause(reason)}. Check that the disk has room and that its folder may be written (ContainerArchiveOutputPath names the archive; the one an engine loads is written in the containerize folder); the next run writes it again.");

    /// <param name="doing">What was being done there: "stage the build context", "write the layers", "take the run's lock", ….</param>
    public static Diagnostic IntermediateFolderFailed(string folder, string doing, string reason) => new("CTZ2021",
        $"Containerize could not {doing} in {folder} (its folder under the project's obj folder, ContainerizeIntermediateDirectory): {Clause(reason)}. Check that the disk has room and that the folder may be written; deleting it (dotnet clean) makes the next run start afresh.");

    public static Diagnostic BlobCacheUnusable(string folder, string reason) => new("CTZ2022",
        $"The daemonless backend's blob cache {folder} (downloaded base image layers: $XDG_CACHE_HOME/containerize/blobs, else ~/.cache/containerize/blobs) cannot be used: {Clause(reason)}. Point XDG_CACHE_HOME at a folder you may write to, or move away the file in the way.");

    /// <param name="what">What the file is to the build: by default a file of the image.</param>
    public static Diagnostic SourceUnreadable(string path, string reason, string what = "a file the image is made of (from the publish output or a ContainerFile item)") => new("CTZ2023",
        $"{path}, {what}, could not be read: {Clause(reason)}. Check that it exists and may be read (another build may have replaced it meanwhile), then publish again.");

    public static Diagnostic SourceChanged(string path, long size) => new("CTZ2024",
        $"{path}, a file the image is made of, changed while it was read: it had {size} bytes when it was opened, and then another length. A file must not change during the build (is something still writing it?); files of /proc and /sys, whose size is not their content, cannot be copied: copy them into a regular file first.");

    /// <param name="reason">What is wrong: the system's reason, or where the JSON is not what NuGet writes.</param>
    public static Diagnostic AssetsFileUnreadable(string path, string reason) => new("CTZ2030",
        $"The SBOM lists the app's packages from the restore's assets file, and {path} cannot be read: {Clause(reason)}. Restore the project again (dotnet restore), or set ContainerSbom=false.");

    public static Diagnostic AssetsTargetMissing(string path, string target, IEnumerable<string> targets) => new("CTZ2031",
        $"The SBOM lists the app's packages for '{target}', and the assets file {path} has no such target (it has: {string.Join(", ", targets.DefaultIfEmpty("none"))}). The restore was made for another framework or runtime identifier: restore again with the same TargetFramework and RuntimeIdentifier as the publish.");

    /// <param name="path">The database's path in the image (var/lib/rpm/rpmdb.sqlite, …).</param>
    public static Diagnostic RpmDatabaseNotRead(string path) => new("CTZ2032",
        $"The image keeps its OS packages in an rpm database (/{path}: Azure Linux, Fedora, Red Hat), which Containerize does not read; the SBOM lists no OS packages of it. Use a Debian, Ubuntu or Alpine base image for a complete SBOM, or list them with another tool (syft, trivy).", Severity.Warning);

    /// <param name="layer">The layer's digest, or its position when there is none.</param>
    public static Diagnostic LayerNotReadForSbom(string layer, string reason) => new("CTZ2033",
        $"The SBOM's OS packages may be incomplete: layer {layer} could not be read for them: {Clause(reason)}.", Severity.Warning);

    public static Diagnostic LockFileUnwritable(string path, string reason) => new("CTZ2034",
        $"The base-image lock {path} (ContainerLockFile) could not be written: {Clause(reason)}. Check that the folder exists and may be written to, or set ContainerLockFile to a path that can be.");

    public static Diagnostic BaseCannotBeLocked(string reference, string registry) => new("CTZ2035",
        $"The base image {reference} cannot be locked: the registry {registry} has no such image, and a lock records what a registry serves, so that every machine gets the same base. An image that exists only in a local engine (built or loaded there) cannot be locked: push it to a registry and name it there in ContainerBaseImage (or in ContainerDockerfile's FROM), or build this project without a lock.");

    /// <param name="problem">"the registry answered: …", "the index names sha256:… for linux/amd64, and the lock records sha256:…".</param>
    public static Diagnostic LockedBaseUnavailable(string reference, string digest, string problem, string path) => new("CTZ2036",
        $"The base image {reference} is locked to {digest} in {path}, and that image cannot be used: {Clause(problem)}. If the registry no longer holds that digest (deleted, or removed by its garbage collection), or the lock was edited by hand, run 'dotnet build -t:UpdateContainerLock' to lock what the tag names now, and commit the lock.");

    public static Diagnostic SbomOsPackagesOfBaseOnly(string reason) => new("CTZ2038",
        $"The SBOM lists the base image's OS packages only: {reason}, and the BuildKit daemon backend does not read back what the build installed. Use ContainerizeBackend=docker for an SBOM of every OS package.", Severity.Message);

    public static Diagnostic AttachmentsNotAttached(string what, string image, string reason) => new("CTZ2039",
        $"What should go with {image} to its registry ({what}) was not attached to it: {Clause(reason)}. The engine or BuildKit daemon pushed the image, but this machine cannot reach that registry itself (a remote engine or daemon, another network); the files are on disk beside container-image.json. Attach them from a machine that reaches the registry (docs/supply-chain.md), or push with the daemonless backend (ContainerizeBackend=daemonless).", Severity.Warning);

    /// <summary>The last resort: whatever else was thrown, a bug (EngineTask reports it instead of MSB4018).</summary>
    /// <param name="type">The exception's type name, as .NET gives it.</param>
    public static Diagnostic Unexpected(string type, string message) => new("CTZ2099",
        $"An unexpected error stopped Containerize: {type}: {Clause(message)}. This is a bug in Containerize: please report it to the Containerize maintainers with the build log (dotnet publish … -bl gives msbuild.binlog; -v:diag shows where the error came from).");
}
