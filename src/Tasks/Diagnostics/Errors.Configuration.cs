namespace Containerize.Diagnostics;

/// <summary>Configuration (CTZ1xxx): reported before any engine, daemon or registry is asked; CTZ1002 is raised by buildMultiTargeting/Containerize.targets.</summary>
public static partial class Errors
{
    public static Diagnostic UnknownBackend(string value) => new("CTZ1001",
        $"ContainerizeBackend '{value}' is not known. Use 'docker' (the Docker Engine API), 'daemonless', 'buildkit' (a BuildKit daemon named by ContainerBuildKitHost) or 'auto'.");

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

    public static Diagnostic NowhereToPutTheImage() => new("CTZ1019",
        "ContainerizeBackend 'daemonless' (or 'auto' with no engine) has nowhere to put the image. Set ContainerRegistry to push it, ContainerArchiveOutputPath to write it as a file, or run a Docker engine to load it into.");

    public static Diagnostic InvalidDockerHost(string value, string source) => new("CTZ1020",
        $"{source} '{value}' is not an engine endpoint. Use unix:///path/to/docker.sock, tcp://host:port or npipe:////./pipe/docker_engine.");

    public static Diagnostic PublishOutputMissing(string directory) => new("CTZ1021",
        $"The publish output folder '{directory}' does not exist or is empty. Run the Containerize target after Publish (dotnet publish -p:Containerize=true).");

    public static Diagnostic InvalidRegistry(string value) => new("CTZ1022",
        $"ContainerRegistry '{value}' is not a registry host[:port] (a port is 1–65535), optionally followed by a namespace (for example: ghcr.io/acme or localhost:5000).");

    public static Diagnostic InvalidSourceDateEpoch(string value) => new("CTZ1023",
        $"SOURCE_DATE_EPOCH '{value}' is not a whole number of seconds since 1970-01-01 UTC. Set it to one (for example: the commit time, git log -1 --format=%ct) or unset it.");

    public static Diagnostic UnrepresentableCommand(string source) => new("CTZ1024",
        $"{source} holds a NUL character, which no command line can pass. Remove it.");

    public static Diagnostic UnknownArchiveFormat(string value) => new("CTZ1025",
        $"ContainerArchiveFormat '{value}' is not known. Use 'docker' (a tar for docker load) or 'oci' (an OCI image layout tar).");

    public static Diagnostic InvalidInsecureRegistry(string value) => new("CTZ1026",
        $"ContainerInsecureRegistries holds '{value}', which is not a registry host[:port] (for example: registry.local:5000).");

    public static Diagnostic NotALinuxRuntimeIdentifier(string identifier) => new("CTZ1027",
        $"ContainerRuntimeIdentifiers holds '{identifier}', which is not a Linux runtime identifier. Container images here are Linux images: use linux-x64, linux-arm64, linux-musl-x64, …");

    /// <param name="identifiers">The runtime identifiers, as ContainerRuntimeIdentifiers names them ("linux-x64 and linux-musl-x64").</param>
    /// <param name="platform">The platform they all name (linux/amd64).</param>
    public static Diagnostic RuntimeIdentifiersOfOnePlatform(string identifiers, string platform) => new("CTZ1091",
        $"ContainerRuntimeIdentifiers names {identifiers}, which all make a {platform} image: an image index holds one image per platform, so a puller would get whichever comes first. Keep one of them, or make the other image by a publish of its own (another repository or tag).");

    public static Diagnostic SeveralRuntimeIdentifiersNeedPortableOutput(string identifiers) => new("CTZ1028",
        $"ContainerRuntimeIdentifiers '{identifiers}' names several platforms, and this app is published per RID (RuntimeIdentifier, SelfContained or PublishAot is set), but only one publish output was given. Run the Containerize target (dotnet publish -p:Containerize=true or -t:Containerize), which publishes once per RID.");

    public static Diagnostic MultiPlatformNeedsARegistry() => new("CTZ1029",
        "Several ContainerRuntimeIdentifiers make a multi-platform image (an image index), which only a registry or an OCI layout holds: set ContainerRegistry, or ContainerArchiveOutputPath with ContainerArchiveFormat 'oci', and ContainerizeBackend 'daemonless' or 'auto'. The Docker engine and docker load archives cannot hold an index.");

    public static Diagnostic ArchivePathIsAFolder(string path) => new("CTZ1030",
        $"ContainerArchiveOutputPath '{path}' is a folder. Name the file to write (for example: {Path.Combine(path, "image.tar")}).");

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

    public static Diagnostic InvalidWritableDirectory(string value) => new("CTZ1036",
        $"ContainerWritableDirectory '{value}' must be an absolute Linux path other than '/', made of letters, digits and '/', '.', '_', '-', '@', '+' (for example: /app/data).");

    public static Diagnostic ContainerFileMissing(string include, string path) => new("CTZ1037",
        $"ContainerFile '{include}' does not exist (looked for {path}). Name a file or folder of the project (relative to the project folder) or an absolute path.");

    public static Diagnostic InvalidContainerFile(string include, string metadata, string value, string expected) => new("CTZ1038",
        $"ContainerFile '{include}' has {metadata} '{value}'; it must be {expected}.");

    public static Diagnostic ContainerFileTwice(string path) => new("CTZ1039",
        $"Two ContainerFile items put different files at {path} in the image. Give one of them another Destination.");

    public static Diagnostic DockerfileMissing(string path) => new("CTZ1040",
        $"ContainerDockerfile '{path}' does not exist. Name your Dockerfile (relative to the project folder), or write the generated one there first with -t:GenerateDockerfile.");

    public static Diagnostic InvalidBuildArg(string name) => new("CTZ1041",
        $"ContainerBuildArg '{name}' is not a build argument name. Use letters, digits and '_', not starting with a digit (for example: APP_FLAVOR).");

    public static Diagnostic SettingsIgnoredByOwnDockerfile(string names) => new("CTZ1042",
        $"{names} only shape the generated Dockerfile, and ContainerDockerfile replaces it: they have no effect. Write what they say into your Dockerfile, or remove them.", Severity.Warning);

    public static Diagnostic DockerfileOutputExists(string path) => new("CTZ1043",
        $"ContainerDockerfileOutputPath '{path}' already exists with other content; it is not overwritten. Delete it (or compare it with the Dockerfile in the intermediate folder) to write the newly generated one, or choose another ContainerDockerfileOutputPath.");

    public static Diagnostic BuildArgsWithoutDockerfile() => new("CTZ1044",
        "ContainerBuildArg items are build arguments of your own Dockerfile (ContainerDockerfile); the generated Dockerfile has no ARG, so they have no effect.", Severity.Warning);

    public static Diagnostic UnknownBuilder(string value) => new("CTZ1045",
        $"ContainerizeBuilder '{value}' is not known. Use 'buildkit', 'legacy' (the engine's builder before BuildKit) or 'auto' (BuildKit when the engine offers it).");

    public static Diagnostic BuilderNeedsTheEngine(string builder) => new("CTZ1046",
        $"ContainerizeBuilder '{builder}' chooses the Docker engine's builder, and the image is made without an engine (ContainerizeBackend daemonless, or auto with no engine). Remove ContainerizeBuilder, or use ContainerizeBackend=docker.");

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

    /// <param name="what">Who brought the file: "ContainerFile 'certs'", "The publish output".</param>
    public static Diagnostic SpecialFile(string what, string path, string kind) => new("CTZ1060",
        $"{what}: {path} is {kind}, which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).");

    /// <param name="problem">"points to /x, which does not exist", "points in a circle (…)".</param>
    public static Diagnostic BrokenLink(string what, string path, string problem) => new("CTZ1061",
        $"{what}: the symbolic link {path} {problem}. Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.");

    /// <param name="setting">The property the path comes from (ContainerArchiveOutputPath, ContainerizeIntermediateDirectory, …).</param>
    /// <param name="file">The file on the way: the path itself or a folder above it.</param>
    public static Diagnostic FileWhereAFolderMustBe(string setting, string path, string file) => new("CTZ1062",
        $"{setting} '{path}' cannot be written: {file} is a file, and it would have to be a folder. Choose another {setting}, or move that file away.");

    public static Diagnostic OutputFolderNotWritable(string setting, string path, string folder, string reason) => new("CTZ1063",
        $"{setting} '{path}' cannot be written: no file can be made in {folder} ({Clause(reason)}). Choose a path in a folder you may write to.");

    /// <param name="setting">ContainerArchiveOutputPath or ContainerDockerfileOutputPath.</param>
    public static Diagnostic OutputNotAFile(string setting, string path, string kind) => new("CTZ1064",
        $"{setting} '{path}' is {kind}, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).");

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

    public static Diagnostic BaseNotInLockedMode(string path, IReadOnlyList<string> missing, IReadOnlyList<string> locked) => new("CTZ1080",
        $"ContainerLockedMode is true, and the base-image lock {path} has no entry for {Names(missing)}, which the project builds from{(locked.Count == 0 ? " (the lock has no entries)" : $"; it locks {Names(locked)}")}. The project's base changed and the lock did not: run 'dotnet build -t:UpdateContainerLock' (without ContainerLockedMode) and commit {Path.GetFileName(path)}.");

    public static Diagnostic BaseNotInLock(string path, IReadOnlyList<string> missing, IReadOnlyList<string> locked) => new("CTZ1081",
        $"The base-image lock {path} has no entry for {Names(missing)}{(locked.Count == 0 ? "" : $" (it locks {Names(locked)})")}, so {(missing.Count == 1 ? "that base is" : "those bases are")} used by tag, unlocked. Run 'dotnet build -t:UpdateContainerLock' to lock {(missing.Count == 1 ? "it" : "them")}.", Severity.Warning);

    /// <param name="problem">What is wrong: "it is not valid JSON (…)", "its version 2 is not the version 1 this Containerize reads".</param>
    public static Diagnostic LockFileUnreadable(string path, string problem) => new("CTZ1082",
        $"The base-image lock {path} (ContainerLockFile) cannot be used: {problem}. Delete it and run 'dotnet build -t:UpdateContainerLock' to write it again (or restore it from source control).");

    public static Diagnostic LockFileMissing(string path, IReadOnlyList<string> bases) => new("CTZ1083",
        $"ContainerLockedMode is true, and there is no base-image lock at {path} (ContainerLockFile) for {Names(bases)}. Run 'dotnet build -t:UpdateContainerLock' and commit {Path.GetFileName(path)}, or set ContainerLockFile to where the lock is.");

    public static Diagnostic LockedBaseLacksPlatform(string reference, IReadOnlyList<string> platforms, IReadOnlyList<string> locked, string path) => new("CTZ1084",
        $"The base image {reference} as locked in {path} has no image for {string.Join(", ", platforms)} (ContainerRuntimeIdentifiers); the lock records {(locked.Count == 0 ? "no platform" : string.Join(", ", locked))}. Choose RIDs the base offers, or a base that has {(platforms.Count == 1 ? "that platform" : "those platforms")}; if the tag has gained {(platforms.Count == 1 ? "it" : "them")} since, run 'dotnet build -t:UpdateContainerLock'.");

    /// <summary>References as a message names them: a, b and c.</summary>
    private static string Names(IReadOnlyList<string> references) =>
        references.Count <= 1 ? string.Join("", references) : string.Join(", ", references.Take(references.Count - 1)) + " and " + references[^1];

    public static Diagnostic UnknownSbomFormat(string value) => new("CTZ1085",
        $"ContainerSbomFormat '{value}' is not known. Use 'cyclonedx' (a CycloneDX 1.6 JSON document, the default) or 'spdx' (an SPDX 2.3 JSON document as well).");

    /// <summary>The formats a signing key may have, as the signing-key errors name them.</summary>
    private const string SigningKeyFormats =
        "an ECDSA P-256 private key in PEM: PKCS#8 ('PRIVATE KEY', or 'ENCRYPTED PRIVATE KEY' with a password), SEC1 ('EC PRIVATE KEY') or cosign's own ('ENCRYPTED SIGSTORE PRIVATE KEY' as cosign generate-key-pair writes it, or the older 'ENCRYPTED COSIGN PRIVATE KEY')";

    /// <param name="problem">What is wrong, never the key's bytes: "it does not exist", "it holds no PEM block ('-----BEGIN …-----')".</param>
    public static Diagnostic SigningKeyUnreadable(string path, string problem) => new("CTZ1086",
        $"The signing key {path} (ContainerSigningKey) cannot be read: {Clause(problem)}. Name a file that holds {SigningKeyFormats}.");

    /// <param name="kind">What the key is: "an RSA key", "an ECDSA key on the curve P-384 (secp384r1)".</param>
    public static Diagnostic SigningKeyNotP256(string path, string kind) => new("CTZ1087",
        $"The signing key {path} (ContainerSigningKey) is {kind}. Containerize signs with ECDSA keys on the curve P-256 only, the kind cosign generate-key-pair makes. "
        + "Make one with 'cosign generate-key-pair' (cosign.key, encrypted with the password it asks for), or with "
        + "'openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -v2 aes-256-cbc -out signing-key.pem' (-nocrypt instead of -v2 aes-256-cbc for no password), "
        + "and give its public key to those who verify the image.");

    /// <param name="format">The PEM label of the encrypted key: "ENCRYPTED SIGSTORE PRIVATE KEY".</param>
    public static Diagnostic SigningKeyNeedsPassword(string path, string format) => new("CTZ1088",
        $"The signing key {path} (ContainerSigningKey) is encrypted ('{format}'), and CONTAINERIZE_SIGNING_KEY_PASSWORD, which gives its password, is not set. "
        + "Set that environment variable for the build (for a cosign key, to the password given to cosign generate-key-pair; an empty value is an empty password). "
        + "Not as an MSBuild property or a DOTNET_* variable: binary and diagnostic logs record those.");

    /// <param name="format">The PEM label of the encrypted key: "ENCRYPTED PRIVATE KEY".</param>
    public static Diagnostic SigningKeyWrongPassword(string path, string format) => new("CTZ1089",
        $"The password in CONTAINERIZE_SIGNING_KEY_PASSWORD does not decrypt the signing key {path} ('{format}'). "
        + "Set it to the password the key was encrypted with (for a cosign key, the one given to cosign generate-key-pair, COSIGN_PASSWORD), and look for a stray space or line end in the value.");

    public static Diagnostic SigningKeyWithoutPush(string path) => new("CTZ1090",
        $"ContainerSigningKey is set ({path}), but the image is not pushed, so nothing is signed: a signature refers to the image's manifest in a registry. Set ContainerRegistry (and leave ContainerPush true) to push and sign it, or remove ContainerSigningKey.", Severity.Warning);
}
