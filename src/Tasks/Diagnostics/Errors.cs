namespace Containerize.Diagnostics;

/// <summary>
/// Every CTZ code and message. docs/errors.md lists the same codes; a test keeps the two in step.
/// CTZ1xxx: configuration (reported before any engine or registry call; CTZ1002 is raised by buildMultiTargeting/Containerize.targets).
/// CTZ2xxx: the engine and the build. CTZ3xxx: registries and credentials.
/// </summary>
public static class Errors
{
    public static Diagnostic UnknownBuilder(string value) => new("CTZ1045",
        $"ContainerizeBuilder '{value}' is not known. Use 'buildkit', 'legacy' (the engine's builder before BuildKit) or 'auto' (BuildKit when the engine offers it).");

    public static Diagnostic BuilderNeedsTheEngine(string builder) => new("CTZ1046",
        $"ContainerizeBuilder '{builder}' chooses the Docker engine's builder, and the image is made without an engine (ContainerizeBackend daemonless, or auto with no engine). Remove ContainerizeBuilder, or use ContainerizeBackend=docker.");

    /// <param name="forSecrets">BuildKit is needed for ContainerBuildSecret items (auto chose it), not asked for by ContainerizeBuilder.</param>
    public static Diagnostic EngineOffersNoBuildKit(string endpoint, string source, string answer, bool forSecrets = false) => new("CTZ2015",
        (forSecrets ? "ContainerBuildSecret items need BuildKit" : "ContainerizeBuilder 'buildkit'")
        + $": the engine at {endpoint} (from {source}) does not offer BuildKit — it did not take up a BuildKit session (POST /session answered {answer}). Podman's Docker-compatible API has no BuildKit. "
        + (forSecrets ? "Use an engine with BuildKit (Docker Engine 18.09 and later), or build without the secrets." : "Use ContainerizeBuilder=legacy or auto, or an engine with BuildKit (Docker Engine 18.09 and later)."));

    public static Diagnostic InvalidBuildSecret(string id, string reason) => new("CTZ1047",
        $"ContainerBuildSecret '{id}': {reason}. Declare a secret as <ContainerBuildSecret Include=\"id\" Environment=\"VARIABLE\" /> or <ContainerBuildSecret Include=\"id\" File=\"path\" />.");

    public static Diagnostic UndeclaredBuildSecret(string item, string id) => new("CTZ1048",
        $"{item} mounts secret '{id}' (Secrets metadata), which no ContainerBuildSecret item declares. Add <ContainerBuildSecret Include=\"{id}\" Environment=\"VARIABLE\" /> (or File=\"path\"), or remove '{id}' from Secrets.");

    public static Diagnostic SecretsNeedBuildKit(string what, string fix) => new("CTZ1049",
        $"ContainerBuildSecret items need the Docker engine's BuildKit builder, which gives a secret only to the step that mounts it and keeps it out of the image; {what} cannot. {fix}");

    public static Diagnostic BuildSecretNotMounted(string id) => new("CTZ1050",
        $"ContainerBuildSecret '{id}' is mounted by no step: name it in the Secrets metadata of the ContainerRunCommand or ContainerPackage items that need it (Secrets=\"{id}\"), or remove it.", Severity.Warning);

    public static Diagnostic SecretInLoggedVariable(string id, string variable) => new("CTZ1051",
        $"ContainerBuildSecret '{id}' is read from {variable}, and MSBuild writes every DOTNET_* and MSBUILD* environment variable into diagnostic (-v:diag) and binary logs. Use a variable of another name.", Severity.Warning);

    public static Diagnostic SessionHostFailed(string reason) => new("CTZ2016",
        $"The BuildKit session could not be served: the session host (Containerize.SessionHost, shipped in the Containerize package) failed — {reason}. It needs the ASP.NET Core runtime that every .NET SDK includes; check that 'dotnet --list-runtimes' shows Microsoft.AspNetCore.App, or use ContainerizeBuilder=legacy.");

    public static Diagnostic UnknownBackend(string value) => new("CTZ1001",
        $"ContainerizeBackend '{value}' is not known. Use 'docker' (the Docker Engine API), 'daemonless', 'buildkit' (a BuildKit daemon named by ContainerBuildKitHost) or 'auto'.");

    public static Diagnostic InvalidBuildKitHost(string value) => new("CTZ1052",
        $"ContainerBuildKitHost '{value}' is not a BuildKit daemon's address. Use unix:///run/buildkit/buildkitd.sock or tcp://host:port (with ContainerBuildKitCertificates for TLS), as buildx's remote driver takes them.");

    public static Diagnostic BuildKitBackendNeedsAHost() => new("CTZ1053",
        "ContainerizeBackend 'buildkit' builds on a standalone BuildKit daemon, and ContainerBuildKitHost, which names it, is empty. Set ContainerBuildKitHost (unix:///run/buildkit/buildkitd.sock, tcp://host:port), or use ContainerizeBackend=docker or daemonless.");

    public static Diagnostic BuildKitBackendCannot(string what, string fix) => new("CTZ1054",
        $"The BuildKit daemon backend (ContainerBuildKitHost) builds the image and pushes it from the daemon; it cannot {what}. {fix}");

    public static Diagnostic BuildKitHostUnused(string backend) => new("CTZ1055",
        $"ContainerBuildKitHost is set, but ContainerizeBackend '{backend}' does not build on a BuildKit daemon, so the setting would be ignored. Use ContainerizeBackend=buildkit (or auto), or remove ContainerBuildKitHost.");

    public static Diagnostic BuildKitCertificates(string problem) => new("CTZ1056",
        $"ContainerBuildKitCertificates: {problem}. It names a folder with ca.pem (the CA that signed the daemon's certificate), cert.pem and key.pem (the client certificate), as buildx's remote driver uses them, for a tcp:// ContainerBuildKitHost.");

    public static Diagnostic BuildKitCannotPush(string address, string detail) => new("CTZ2018",
        $"The BuildKit at {address} (ContainerBuildKitHost) cannot export an image to push ({detail}): it is a Docker engine's built-in BuildKit without the containerd image store, whose builds go only into the engine. Point ContainerBuildKitHost at a buildkitd (or an engine with the containerd image store), or build with that engine: ContainerizeBackend=docker.");

    public static Diagnostic BuildKitUnreachable(string address, string detail) => new("CTZ2017",
        $"No BuildKit daemon answers at {address} (ContainerBuildKitHost): {detail}. Start buildkitd there (buildkitd --addr {address}), or check the address and, for tcp://, that ContainerBuildKitCertificates holds the client certificate the daemon trusts.");

    public static Diagnostic InvalidRepository(string value, string source) => new("CTZ1003",
        $"{source} '{value}' is not a valid repository name. Use lower-case letters, digits and the separators '.', '_', '__', '-' between them, with '/' between path components (for example: acme/hello-docker).");

    public static Diagnostic InvalidTag(string value, string source) => new("CTZ1004",
        $"{source} holds '{value}', which is not a valid image tag. A tag is 1 to 128 characters of letters, digits, '_', '.' and '-', and does not start with '.' or '-'.");

    public static Diagnostic BothTagProperties() => new("CTZ1005",
        "ContainerImageTag and ContainerImageTags are both set. Set only one: ContainerImageTag for one tag, ContainerImageTags for a ';'-separated list.");

    public static Diagnostic InvalidBaseImage(string value, string source) => new("CTZ1006",
        $"{source} '{value}' is not a valid image reference. Use [registry[:port]/]repository[:tag][@sha256:digest], for example mcr.microsoft.com/dotnet/runtime:10.0.");

    public static Diagnostic InvalidWorkingDirectory(string value) => new("CTZ1007",
        $"ContainerWorkingDirectory '{value}' must be an absolute Linux path made of letters, digits and '/', '.', '_', '-', '@', '+' (for example: /app).");

    public static Diagnostic InvalidPort(string value) => new("CTZ1008",
        $"ContainerPort '{value}' is not a port number from 1 to 65535.");

    public static Diagnostic InvalidPortType(string port, string type) => new("CTZ1009",
        $"ContainerPort '{port}' has Type '{type}'. Use 'tcp' or 'udp'.");

    public static Diagnostic InvalidEnvironmentVariableName(string name, string source) => new("CTZ1010",
        $"{source} '{name}' is not a valid environment variable name. Use letters, digits, '_', '.' and '-', starting with a letter or '_'.");

    public static Diagnostic UnrepresentableValue(string source, string name) => new("CTZ1011",
        $"The value of {source} '{name}' holds a newline, carriage return or NUL character, which a Dockerfile instruction cannot hold. Remove it from the value.");

    public static Diagnostic InvalidLabelName(string name) => new("CTZ1012",
        $"ContainerLabel '{name}' is not a valid label key. Use letters, digits, '.', '-', '_' and '/' (for example: com.example.team).");

    public static Diagnostic InvalidUser(string value) => new("CTZ1013",
        $"ContainerUser '{value}' is not a user the Dockerfile USER instruction takes. Use a numeric id (1654), a user name (app) or either with a group (1654:1654).");

    public static Diagnostic InvalidEnvironmentVariablesProperty(string entry) => new("CTZ1014",
        $"ContainerEnvironmentVariables holds '{entry}', which is not NAME=VALUE. Write the property as NAME=VALUE pairs separated by ';' (on the command line, escape the ';' as %3B: -p:ContainerEnvironmentVariables=A=1%3BB=2).");

    public static Diagnostic InvalidAppCommandInstruction(string value) => new("CTZ1015",
        $"ContainerAppCommandInstruction '{value}' is not known. Use 'Entrypoint' (the app command is the ENTRYPOINT), 'DefaultArgs' (it is the CMD) or 'None' (the base image's ENTRYPOINT, ContainerDefaultArgs as the CMD).");

    public static Diagnostic UnsupportedTargetFramework(string framework) => new("CTZ1016",
        $"Target framework '{framework}' cannot run on the .NET container images. Containerize supports .NET 6 and later (net6.0, net8.0, net10.0, …); set ContainerBaseImage to use an image of your own.");

    public static Diagnostic InvalidFamily(string value) => new("CTZ1017",
        $"ContainerFamily '{value}' cannot be a tag suffix. Use letters, digits, '.', '_' and '-' (for example: noble-chiseled, alpine).");

    public static Diagnostic InvalidBaseRegistry(string value) => new("CTZ1018",
        $"ContainerBaseRegistry '{value}' is not a registry host[:port], optionally with a path (for example: mcr.microsoft.com, localhost:5000 or mirror.example.com/mcr).");

    public static Diagnostic InvalidDockerHost(string value, string source) => new("CTZ1020",
        $"{source} '{value}' is not an engine endpoint. Use unix:///path/to/docker.sock, tcp://host:port or npipe:////./pipe/docker_engine.");

    public static Diagnostic PublishOutputMissing(string directory) => new("CTZ1021",
        $"The publish output folder '{directory}' does not exist or is empty. Run the Containerize target after Publish (dotnet publish -p:Containerize=true).");

    public static Diagnostic InvalidRegistry(string value) => new("CTZ1022",
        $"ContainerRegistry '{value}' is not a registry host[:port] (a port is 1–65535), optionally followed by a namespace (for example: ghcr.io/acme or localhost:5000).");

    /// <param name="files">Relative paths, in order; the first ten are named.</param>
    public static Diagnostic UnpublishedFilesLeftOut(string directory, IReadOnlyList<string> files) => new("CTZ1070",
        $"The publish folder '{directory}' holds {files.Count} file(s) that this publish did not produce, left out of the image: "
        + string.Join(", ", files.Take(10)) + (files.Count > 10 ? $" and {files.Count - 10} more" : "")
        + ". They are left over from an earlier publish (of a package or file removed since) or were put there by hand; delete them to silence this. "
        + "To ship such a file, publish it: a Content or None item with CopyToPublishDirectory, or a FileWrites item in the target that writes it.", Severity.Warning);

    /// <param name="item">The ContainerFile item's file or folder.</param>
    /// <param name="fileInFolder">For a folder item, the file of it (its path under the folder); null for a file item.</param>
    /// <param name="published">The publish output's file(s) at that path: one per publish (per RID) that has one.</param>
    public static Diagnostic ContainerFileHiddenByPublishOutput(string item, string? fileInFolder, string path, IReadOnlyList<string> published) => new("CTZ1071",
        $"ContainerFile '{item}' puts {(fileInFolder is null ? "a file" : $"its file {fileInFolder}")} at {path}, where the publish output also puts one ({string.Join(", ", published)}): "
        + "the image gets the publish output's file, because the app's layers are copied after the ContainerFile items. "
        + "Remove that file from the publish output (for example CopyToPublishDirectory=\"Never\" on its Content or None item), or give the ContainerFile another Destination.", Severity.Warning);

    public static Diagnostic InvalidSourceDateEpoch(string value) => new("CTZ1023",
        $"SOURCE_DATE_EPOCH '{value}' is not a whole number of seconds since 1970-01-01 UTC. Set it to one (for example: the commit time, git log -1 --format=%ct) or unset it.");

    public static Diagnostic UnrepresentableCommand(string source) => new("CTZ1024",
        $"{source} holds a NUL character, which no command line can pass. Remove it.");

    public static Diagnostic VersionTagAdjusted(string version, string tag) => new("",
        $"The version '{version}' is not a valid image tag; it is tagged '{tag}' ('+' becomes '-').", Severity.Message);

    /// <summary>The code of <see cref="EngineUnreachable"/>, which callers act on (the auto backend's fallback, a retry).</summary>
    public const string EngineUnreachableCode = "CTZ2001";

    public static Diagnostic EngineUnreachable(string endpoint, string source, string reason) => new(EngineUnreachableCode,
        $"The Docker engine at {endpoint} (from {source}) did not answer: {Clause(reason)}. Start the engine, or point Containerize at a running one with ContainerDockerHost or DOCKER_HOST (for example: unix:///var/run/docker.sock or tcp://127.0.0.1:2376).");

    public static Diagnostic EngineTlsFilesMissing(string source, IEnumerable<string> missing) => new("CTZ2008",
        $"The engine needs TLS ({source}), but {string.Join(", ", missing)} is missing. Put the CA (ca.pem) and the client certificate and key (cert.pem, key.pem) there, or point DOCKER_CERT_PATH at the folder that holds them.");

    public static Diagnostic EngineRequiresTls(string endpoint, string source) => new("CTZ2009",
        $"The engine at {endpoint} (from {source}) accepts only TLS connections. Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use a docker context that holds them).");

    /// <param name="problem">What is wrong with the file, after its path: "is missing", "is not valid JSON", ….</param>
    public static Diagnostic DockerContextNotFound(string name, string metaPath, string problem) => new("CTZ2002",
        $"The current docker context '{name}' has no endpoint: {metaPath} {problem}. Run 'docker context use default', fix the context, or set ContainerDockerHost.");

    public static Diagnostic BaseImageUnavailable(string reference, string reason) => new("CTZ2003",
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

    /// <param name="went">Where the image went instead: "was pushed as …", "was written to …".</param>
    /// <param name="instead">How to run it: the docker commands for the registry's digest or the archive.</param>
    public static Diagnostic ImageNotInEngine(string image, string went, string instead) => new("CTZ2019",
        $"RunContainer runs the image this run made in the engine, and {image} {went}, not into the engine (an image of that name the engine may hold is an older one). {instead} Or make the image in the engine: ContainerizeBackend=docker, or daemonless with no ContainerRegistry and no ContainerArchiveOutputPath (it is then loaded into the engine).");

    public static Diagnostic ContainerFailed(string image, long exitCode) => new("CTZ2006",
        $"The container of {image} exited with code {exitCode}. Its output is above.");

    public static Diagnostic EngineRequestFailed(string operation, string reason) => new("CTZ2007",
        $"The Docker engine refused to {operation}: {reason}.");

    public static Diagnostic RegistryRejectedCredentials(string registry, Registries.RegistryCredentials? credentials) => new("CTZ3001",
        $"The registry {registry} did not accept {Registries.RegistryCredentials.Describe(credentials)}. Check the user name and password (CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD), or log in with 'docker login {registry}' so that config.json or a credential helper holds them.");

    public static Diagnostic RegistryDenied(string registry, string repository, Registries.RegistryCredentials? credentials) => new("CTZ3002",
        $"The registry {registry} refused {Registries.RegistryCredentials.Describe(credentials)} access to {repository}. Check that this account may read it (a base image) or write to it (a push: or create it), or use a repository it may.");

    /// <param name="throughEngine">The engine reached for it (its push): the engine's network settings apply, not this process's.</param>
    public static Diagnostic RegistryUnreachable(string registry, string reason, bool throughEngine = false) => new("CTZ3003",
        $"The registry {registry} could not be reached: {reason}. Check ContainerRegistry (or ContainerBaseImage), that the registry runs, and that it can be reached "
        + (throughEngine ? "from the engine — its own proxy and DNS settings apply." : "from this machine — the build's HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply."));

    public static Diagnostic EngineRequiresHttps(string registry, string reason) => new("CTZ3004",
        $"The engine reached {registry} over HTTPS, and the registry answered over plain HTTP ({reason}). The engine pushes over plain HTTP only to loopback registries and those in its own insecure-registries setting (/etc/docker/daemon.json); add {registry} there, or serve the registry over HTTPS. ContainerInsecureRegistries does not change what the engine does.");

    public static Diagnostic PushFailed(string reference, string reason, int attempts) => new("CTZ3005",
        $"The engine could not push {reference}" + (attempts > 1 ? $" after {attempts} attempts" : "") + $": {reason}.");

    public static Diagnostic CredentialHelperFailed(string program, string source, string reason) => new("CTZ3006",
        $"The credential helper {program} (named by {source}) failed: {reason}. Install it or fix it, or remove that entry from config.json to push anonymously.");

    public static Diagnostic PasswordInDotnetVariable(string variable, (string User, string Password) instead) => new("CTZ3007",
        $"A registry password is set in {variable}. MSBuild writes every DOTNET_* environment variable into diagnostic (-v:diag) logs and binary logs, so it may end up in a build log. Unset it and use {instead.User} and {instead.Password} instead.", Severity.Warning);

    public static Diagnostic CredentialsOverPlainConnection(string endpoint) => new("CTZ3009",
        $"Registry credentials go to the engine at {endpoint} over a connection without TLS, where anyone on the network path can read them. Use the engine's socket, or TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH).", Severity.Warning);

    public static Diagnostic DockerConfigUnreadable(string path, string reason) => new("CTZ3008",
        $"The docker configuration {path} cannot be read: {Clause(reason)}. Fix or remove it (docker login writes it anew), or point DOCKER_CONFIG at another folder.");

    public static Diagnostic EngineRetry(string operation, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"The engine failed to {operation} ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic PushRetry(string reference, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"Pushing {reference} failed ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic RegistryRequestFailed(string registry, string operation, string status, string? registryMessage, int attempts = 1) => new("CTZ3010",
        $"The registry {registry} answered {status} when asked to {operation}" + (attempts > 1 ? $" (after {attempts} attempts)" : "") + (string.IsNullOrEmpty(registryMessage) ? "" : $": {registryMessage}") + $". Check that {registry} is an OCI distribution registry that allows this; its own log tells more.");

    public static Diagnostic RegistryAnswersPlainHttp(string registry) => new("CTZ3011",
        $"The registry {registry} answers over plain HTTP, and Containerize reached for it over HTTPS. If it is meant to serve plain HTTP, add it to ContainerInsecureRegistries (for example: -p:ContainerInsecureRegistries={registry}); otherwise serve it over HTTPS.");

    public static Diagnostic BaseImageNotInRegistry(string registry, string image, string missing) => new("CTZ3012",
        $"The registry {registry} has no {missing} of {image}: that base image is not in this registry. Check ContainerBaseImage (or ContainerBaseRegistry and ContainerFamily, from which it was inferred), and that the image was pushed there completely.");

    public static Diagnostic ContentDigestMismatch(string registry, string digest, string actual) => new("CTZ3013",
        $"The content that {registry} served for {digest} hashes to {actual}, so it is not the content that digest names. Run the build again; if it persists, the registry's storage (or a proxy or mirror in between) is damaged: check it, or use another registry.");

    public static Diagnostic CredentialsToPlainHttpTokenService(string registry, string realm, Registries.RegistryCredentials? credentials) => new("CTZ3014",
        $"The registry {registry} names {realm}, a plain HTTP address, as its token service: {Registries.RegistryCredentials.Describe(credentials)} would travel there unencrypted, so they were not sent. Containerize sends credentials over plain HTTP only to a registry reached over plain HTTP itself (a loopback name or one in ContainerInsecureRegistries) and to a token service on its host or on a loopback name. Have the registry name an https:// token service (its token realm setting; for Docker Distribution auth.token.realm), or use a registry that does.");

    public static Diagnostic RegistryRetry(string registry, string operation, string reason, int attempt, int attempts, TimeSpan delay) => new("",
        $"The registry {registry} failed to {operation} ({reason}); trying again in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {attempts}).", Severity.Message);

    public static Diagnostic CachedBlobReplaced(string path, string digest) => new("",
        $"The cached blob {path} does not match its digest {digest}; it is removed and downloaded again.", Severity.Message);

    public static Diagnostic NowhereToPutTheImage() => new("CTZ1019",
        "ContainerizeBackend 'daemonless' (or 'auto' with no engine) has nowhere to put the image. Set ContainerRegistry to push it, ContainerArchiveOutputPath to write it as a file, or run a Docker engine to load it into.");

    public static Diagnostic UnknownArchiveFormat(string value) => new("CTZ1025",
        $"ContainerArchiveFormat '{value}' is not known. Use 'docker' (a tar for docker load) or 'oci' (an OCI image layout tar).");

    public static Diagnostic InvalidInsecureRegistry(string value) => new("CTZ1026",
        $"ContainerInsecureRegistries holds '{value}', which is not a registry host[:port] (for example: registry.local:5000).");

    public static Diagnostic BasePlatformMissing(string reference, string platform) => new("CTZ2010",
        $"The base image {reference} has no image for {platform}. Choose a base image that has one, or another RuntimeIdentifier.");

    public static Diagnostic NotALinuxRuntimeIdentifier(string identifier) => new("CTZ1027",
        $"ContainerRuntimeIdentifiers holds '{identifier}', which is not a Linux runtime identifier. Container images here are Linux images: use linux-x64, linux-arm64, linux-musl-x64, …");

    public static Diagnostic SeveralRuntimeIdentifiersNeedPortableOutput(string identifiers) => new("CTZ1028",
        $"ContainerRuntimeIdentifiers '{identifiers}' names several platforms, and this app is published per RID (RuntimeIdentifier, SelfContained or PublishAot is set), but only one publish output was given. Run the Containerize target (dotnet publish -p:Containerize=true or -t:Containerize), which publishes once per RID.");

    public static Diagnostic MultiPlatformNeedsARegistry() => new("CTZ1029",
        "Several ContainerRuntimeIdentifiers make a multi-platform image (an image index), which only a registry or an OCI layout holds: set ContainerRegistry, or ContainerArchiveOutputPath with ContainerArchiveFormat 'oci', and ContainerizeBackend 'daemonless' or 'auto'. The Docker engine and docker load archives cannot hold an index.");

    public static Diagnostic ArchivePathIsAFolder(string path) => new("CTZ1030",
        $"ContainerArchiveOutputPath '{path}' is a folder. Name the file to write (for example: {Path.Combine(path, "image.tar")}).");

    /// <param name="setting">The property the path comes from (ContainerArchiveOutputPath, ContainerizeIntermediateDirectory, …).</param>
    /// <param name="file">The file on the way: the path itself or a folder above it.</param>
    public static Diagnostic FileWhereAFolderMustBe(string setting, string path, string file) => new("CTZ1062",
        $"{setting} '{path}' cannot be written: {file} is a file, and it would have to be a folder. Choose another {setting}, or move that file away.");

    public static Diagnostic OutputFolderNotWritable(string setting, string path, string folder, string reason) => new("CTZ1063",
        $"{setting} '{path}' cannot be written: no file can be made in {folder} ({Clause(reason)}). Choose a path in a folder you may write to.");

    /// <param name="setting">ContainerArchiveOutputPath or ContainerDockerfileOutputPath.</param>
    public static Diagnostic OutputNotAFile(string setting, string path, string kind) => new("CTZ1064",
        $"{setting} '{path}' is {kind}, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).");

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

    public static Diagnostic OciArchiveNeedsDaemonless() => new("CTZ1031",
        "ContainerArchiveFormat 'oci' is written by the daemonless backend; the engine backend writes what docker save gives ('docker'). Set ContainerizeBackend=daemonless, or ContainerArchiveFormat=docker.");

    public static Diagnostic InvalidRunCommand(string command, string reason) => new("CTZ1032",
        $"ContainerRunCommand '{command}' {reason}. Write one command per item; put commands with ';' or '*' in the Command metadata (MSBuild splits and expands Include).");

    public static Diagnostic InvalidPackage(string value) => new("CTZ1033",
        $"ContainerPackage '{value}' is not a package name (and Version) a package manager takes. Use names such as curl or libicu72, versions such as 7.88.1-10+deb12u5.");

    public static Diagnostic UnknownPackageManager(string value) => new("CTZ1034",
        $"ContainerPackageManager '{value}' is not known. Use apt (Debian, Ubuntu), apk (Alpine), tdnf (Azure Linux) or dnf (Fedora, RHEL), or leave it empty to find it in the base image.");

    public static Diagnostic InvalidHealthCheck(string property, string value) => new("CTZ1035",
        $"{property} '{value}' is not valid. ContainerHealthCheck is a ';'-separated command (exec form); its Interval, Timeout and StartPeriod are durations such as 30s, 1m or 500ms; Retries a whole number.");

    public static Diagnostic NoPackageManagerInBase(string reference) => new("CTZ2011",
        $"The base image {reference} has no package manager (no apt-get, apk, tdnf or dnf: a chiseled or distroless image), so ContainerPackage cannot be installed. Use a base image with one (for example the non-chiseled tag), copy the files with ContainerFile items, or install them in your own Dockerfile (ContainerDockerfile).");

    public static Diagnostic StepsNeedTheEngine() => new("CTZ2012",
        "ContainerRunCommand and ContainerPackage run steps inside the image, and ContainerDockerfile is built by a Dockerfile builder: only the engine can do that; the daemonless backend only adds layers. Set ContainerizeBackend=docker (or auto with an engine), or remove those settings.");

    public static Diagnostic InvalidWritableDirectory(string value) => new("CTZ1036",
        $"ContainerWritableDirectory '{value}' must be an absolute Linux path other than '/', made of letters, digits and '/', '.', '_', '-', '@', '+' (for example: /app/data).");

    public static Diagnostic ContainerFileMissing(string include, string path) => new("CTZ1037",
        $"ContainerFile '{include}' does not exist (looked for {path}). Name a file or folder of the project (relative to the project folder) or an absolute path.");

    public static Diagnostic InvalidContainerFile(string include, string metadata, string value, string expected) => new("CTZ1038",
        $"ContainerFile '{include}' has {metadata} '{value}'; it must be {expected}.");

    public static Diagnostic ContainerFileTwice(string path) => new("CTZ1039",
        $"Two ContainerFile items put different files at {path} in the image. Give one of them another Destination.");

    /// <param name="what">Who brought the file: "ContainerFile 'certs'", "The publish output".</param>
    public static Diagnostic SpecialFile(string what, string path, string kind) => new("CTZ1060",
        $"{what}: {path} is {kind}, which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).");

    /// <param name="problem">"points to /x, which does not exist", "points in a circle (…)".</param>
    public static Diagnostic BrokenLink(string what, string path, string problem) => new("CTZ1061",
        $"{what}: the symbolic link {path} {problem}. Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.");

    public static Diagnostic OwnerNeedsTheEngine(string owner, string what) => new("CTZ2013",
        $"{what} is owned by '{owner}', a name; the daemonless backend writes owners into the layer as numbers and cannot look names up in the base image. Use the numeric uid[:gid] (the .NET images' app user is 1654), or the engine backend (ContainerizeBackend=docker).");

    public static Diagnostic DockerfileMissing(string path) => new("CTZ1040",
        $"ContainerDockerfile '{path}' does not exist. Name your Dockerfile (relative to the project folder), or write the generated one there first with -t:GenerateDockerfile.");

    public static Diagnostic InvalidBuildArg(string name) => new("CTZ1041",
        $"ContainerBuildArg '{name}' is not a build argument name. Use letters, digits and '_', not starting with a digit (for example: APP_FLAVOR).");

    public static Diagnostic SettingsIgnoredByOwnDockerfile(string names) => new("CTZ1042",
        $"{names} only shape the generated Dockerfile, and ContainerDockerfile replaces it: they have no effect. Write what they say into your Dockerfile, or remove them.", Severity.Warning);

    public static Diagnostic BuildArgsWithoutDockerfile() => new("CTZ1044",
        "ContainerBuildArg items are build arguments of your own Dockerfile (ContainerDockerfile); the generated Dockerfile has no ARG, so they have no effect.", Severity.Warning);

    public static Diagnostic DockerfileOutputExists(string path) => new("CTZ1043",
        $"ContainerDockerfileOutputPath '{path}' already exists with other content; it is not overwritten. Delete it (or compare it with the Dockerfile in the intermediate folder) to write the newly generated one, or choose another ContainerDockerfileOutputPath.");

    /// <param name="why">Why no engine can look: none answers, or the image is built on a BuildKit daemon.</param>
    public static Diagnostic PackageManagerNeedsTheEngine(string why = "no engine answers") => new("CTZ2014",
        $"ContainerPackage items need the base image's package manager, which is found by looking into the image through the engine, and {why}. Set ContainerPackageManager (apt, apk, tdnf or dnf), or run an engine.");

    public static Diagnostic SourceChanged(string path, long size) => new("CTZ2024",
        $"{path}, a file the image is made of, changed while it was read: it had {size} bytes when it was opened, and then another length. A file must not change during the build (is something still writing it?); files of /proc and /sys, whose size is not their content, cannot be copied: copy them into a regular file first.");

    /// <summary>The last resort: whatever else was thrown, a bug (EngineTask reports it instead of MSB4018).</summary>
    /// <param name="type">The exception's type name, as .NET gives it.</param>
    public static Diagnostic Unexpected(string type, string message) => new("CTZ2099",
        $"An unexpected error stopped Containerize: {type}: {Clause(message)}. This is a bug in Containerize: please report it to the Containerize maintainers with the build log (dotnet publish … -bl gives msbuild.binlog; -v:diag shows where the error came from).");

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

    /// <summary>A message of .NET (an exception's) as a clause of ours: without its closing period.</summary>
    private static string Clause(string message) => message.Trim().TrimEnd('.');
}
