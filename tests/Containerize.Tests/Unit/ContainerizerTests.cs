using Containerize.Registries;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Pipeline;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The failures a run reports before it has an engine to talk to.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ContainerizerTests : IDisposable
{
    private readonly TemporaryDirectory work = new();
    private readonly RecordingBuildLog log = new();

    public TestContext TestContext { get; set; } = null!;

    public void Dispose() => work.Dispose();

    /// <summary>A machine with no engine: no variables, no sockets.</summary>
    private Containerizer NoEngineAnywhere() =>
        new(log, new DockerEndpointResolver(_ => null, _ => false), new CredentialResolver(_ => null), RetryPolicy.Default, new BlobCache(work.Combine("cache"), log));

    private ContainerizeRequest Request(string publishDirectory, ContainerSettings? settings = null, string dockerHost = "") => new()
    {
        Project = Projects.Console(),
        Settings = settings ?? new ContainerSettings(),
        PublishDirectory = publishDirectory,
        ContextDirectory = work.Combine("obj/containerize"),
        DockerHost = dockerHost,
    };

    [TestMethod]
    public async Task A_missing_publish_folder_is_CTZ1021_reported_without_looking_for_an_engine()
    {
        var missing = work.Combine("bin/publish");

        var result = await NoEngineAnywhere().RunAsync(Request(missing), TestContext.CancellationToken);

        Assert.IsNull(result);
        var error = Assert.ContainsSingle(log.Diagnostics);
        Assert.AreEqual("CTZ1021", error.Code);
        Assert.StartsWith($"The publish output folder '{missing}' does not exist or is empty.", error.Message);
    }

    [TestMethod]
    public async Task A_signing_key_for_an_image_that_is_not_pushed_is_warning_CTZ1090_and_still_checked()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var key = new SigningKeySource(Path.Combine(AppContext.BaseDirectory, "Golden", "Signing", "pkcs8.pem"), null);

        // Past the configuration, the base's registry (nobody listens) stops each run: only what was said before matters here.
        await RunUntilTheBaseIsAsked(Request(publish.Path, new ContainerSettings { BaseImage = "127.0.0.1:1/base:1" }) with { SigningKey = key });

        var warning = Assert.ContainsSingle(log.Diagnostics.Where(diagnostic => diagnostic.Code == "CTZ1090"));
        Assert.AreEqual(Severity.Warning, warning.Severity);
        Assert.AreEqual($"ContainerSigningKey is set ({key.Path}), but the image is not pushed, so nothing is signed: a signature refers to the image's manifest in a registry. "
            + "Set ContainerRegistry (and leave ContainerPush true) to push and sign it, or remove ContainerSigningKey.", warning.Message);

        log.Diagnostics.Clear();
        await RunUntilTheBaseIsAsked(Request(publish.Path, new ContainerSettings { BaseImage = "127.0.0.1:1/base:1", Registry = "127.0.0.1:1" }) with { Push = true, SigningKey = key });
        Assert.IsFalse(log.Diagnostics.Any(diagnostic => diagnostic.Code == "CTZ1090"), "a pushed image is signed: no warning");

        log.Diagnostics.Clear();
        var encrypted = new SigningKeySource(Path.Combine(AppContext.BaseDirectory, "Golden", "Signing", "pkcs8-encrypted.pem"), "not-the-password");
        var result = await NoEngineAnywhere().RunAsync(Request(publish.Path) with { SigningKey = encrypted }, TestContext.CancellationToken);
        Assert.IsNull(result);
        Assert.AreSequenceEqual(new[] { "CTZ1089" }, log.Diagnostics.Select(diagnostic => diagnostic.Code).ToArray(), "checked even when nothing is pushed, and no CTZ1090 beside it");

        log.Diagnostics.Clear();
        var invalid = new ContainerSettings { Registry = "127.0.0.1:1", ImageTag = "-x" };
        Assert.IsNull(await NoEngineAnywhere().RunAsync(Request(publish.Path, invalid) with { Push = true, SigningKey = key }, TestContext.CancellationToken));
        Assert.AreSequenceEqual(new[] { "CTZ1004" }, log.Diagnostics.Select(diagnostic => diagnostic.Code).ToArray(), "a pushed image with another mistake: that mistake, no CTZ1090");
    }

    private async Task RunUntilTheBaseIsAsked(ContainerizeRequest request)
    {
        try
        {
            await NoEngineAnywhere().RunAsync(request, TestContext.CancellationToken);
        }
        catch (ContainerizeException exception)
        {
            Assert.AreNotEqual("CTZ2099", exception.Diagnostic.Code);
        }
    }

    [TestMethod]
    public async Task An_empty_publish_folder_is_CTZ1021()
    {
        Directory.CreateDirectory(work.Combine("bin/publish"));

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(work.Combine("bin/publish")), TestContext.CancellationToken));

        Assert.AreEqual("CTZ1021", exception.Diagnostic.Code);
        Assert.Contains("does not exist or is empty", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task Configuration_errors_are_reported_and_stop_the_run_before_the_publish_folder_is_read()
    {
        var result = await NoEngineAnywhere().RunAsync(Request(work.Combine("bin/publish"), new ContainerSettings { ImageTag = "-x" }), TestContext.CancellationToken);

        Assert.IsNull(result);
        Assert.AreSequenceEqual(new[] { "CTZ1004" }, log.Diagnostics.Select(d => d.Code).ToArray());
        Assert.IsFalse(Directory.Exists(work.Combine("obj")));
    }

    [TestMethod]
    public async Task In_locked_mode_a_base_the_lock_lacks_is_CTZ1080_before_the_publish_folder_or_an_engine_is_looked_at()
    {
        var lockFile = work.WriteFile("containerize.lock.json", """
            {"version":1,"bases":{"localhost:5000/ctz-lock-test/base:1":{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","platforms":{}}}}
            """);
        var request = Request(work.Combine("bin/publish"), new ContainerSettings { BaseImage = "localhost:5000/ctz-lock-test/base:2" }, dockerHost: "tcp://127.0.0.1:1")
            with { LockFile = lockFile, LockedMode = true };

        var result = await NoEngineAnywhere().RunAsync(request, TestContext.CancellationToken);

        Assert.IsNull(result);
        Assert.AreSequenceEqual(new[] { "CTZ1080" }, log.Diagnostics.Select(d => d.Code).ToArray());
        Assert.Contains("has no entry for localhost:5000/ctz-lock-test/base:2, which the project builds from; it locks localhost:5000/ctz-lock-test/base:1.", log.Diagnostics[0].Message);
        Assert.IsFalse(Directory.Exists(work.Combine("obj")));
    }

    [TestMethod]
    public async Task An_unreadable_lock_is_CTZ1082_with_the_configuration_checks()
    {
        var lockFile = work.WriteFile("containerize.lock.json", "not json");
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");

        var result = await NoEngineAnywhere().RunAsync(Request(publish.Path, dockerHost: "tcp://127.0.0.1:1") with { LockFile = lockFile }, TestContext.CancellationToken);

        Assert.IsNull(result);
        Assert.AreEqual("CTZ1082", Assert.ContainsSingle(log.Diagnostics).Code);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("auto")]
    [DataRow("daemonless")]
    public async Task With_no_engine_no_registry_and_no_archive_there_is_nowhere_to_put_the_image_CTZ1019(string backend)
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, new ContainerSettings { Backend = backend }), TestContext.CancellationToken));

        Assert.AreEqual("CTZ1019", exception.Diagnostic.Code);
        Assert.StartsWith("ContainerizeBackend 'daemonless' (or 'auto' with no engine) has nowhere to put the image.", exception.Diagnostic.Message);
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public async Task A_ContainerFile_the_publish_output_hides_is_warned_CTZ1071_with_the_configuration_unless_the_Dockerfile_is_the_users()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker").Add("appsettings.json");
        var item = work.WriteFile("deploy/appsettings.json", "{}");
        var files = new[] { new FileSetting(item, "deploy/appsettings.json", "/app/appsettings.json", "", "") };

        await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, new ContainerSettings { Files = files }), TestContext.CancellationToken));
        var generated = log.Diagnostics.ToList();
        log.Diagnostics.Clear();
        await Assert.ThrowsExactlyAsync<ContainerizeException>(() => NoEngineAnywhere().RunAsync(
            Request(publish.Path, new ContainerSettings { Files = files, Dockerfile = work.WriteFile("Dockerfile", "FROM scratch\n") }), TestContext.CancellationToken));

        var warning = Assert.ContainsSingle(generated);
        Assert.AreEqual("CTZ1071", warning.Code);
        Assert.StartsWith($"ContainerFile '{item}' puts a file at /app/appsettings.json, where the publish output also puts one ({publish.FullPath("appsettings.json")}): ", warning.Message);
        Assert.DoesNotContain("CTZ1071", log.Diagnostics.Select(diagnostic => diagnostic.Code).ToList());
    }

    [TestMethod]
    public async Task Secrets_when_auto_finds_no_engine_are_CTZ1049_before_any_registry_is_asked()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var settings = new ContainerSettings
        {
            Registry = "127.0.0.1:1",
            BuildSecrets = [new BuildSecret("token", "PATH", "")],
            RunCommands = [new RunCommandSetting("true", false) { Secrets = ["token"] }],
        };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, settings) with { Push = true }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ1049", exception.Diagnostic.Code);
        Assert.AreEqual("ContainerBuildSecret items need the Docker engine's BuildKit builder, which gives a secret only to the step that mounts it and keeps it out of the image; "
            + "the daemonless backend (ContainerizeBackend auto, with no engine) cannot. Start a Docker engine or name one with ContainerDockerHost, or remove the ContainerBuildSecret items.",
            exception.Diagnostic.Message);
    }

    [TestMethod]
    [DataRow("archive", "write ContainerArchiveOutputPath (the image stays with the daemon and the registry)")]
    [DataRow("no registry", "keep an image that goes to no registry (it would stay in the daemon's cache)")]
    [DataRow("two platforms", "make a multi-platform image (several ContainerRuntimeIdentifiers)")]
    public async Task What_the_BuildKit_daemon_backend_cannot_do_is_CTZ1054_before_the_daemon_is_asked(string what, string cannot)
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var settings = new ContainerSettings
        {
            Backend = "buildkit", BuildKitHost = "unix://" + work.Combine("nobody-listens.sock"),
            Registry = what == "no registry" ? "" : "127.0.0.1:1", RuntimeIdentifiers = what == "two platforms" ? "linux-x64;linux-arm64" : "",
        };
        var request = Request(publish.Path, settings) with { Push = true, ArchivePath = what == "archive" ? work.Combine("image.tar") : "" };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => NoEngineAnywhere().RunAsync(request, TestContext.CancellationToken));

        Assert.AreEqual("CTZ1054", exception.Diagnostic.Code);
        Assert.StartsWith($"The BuildKit daemon backend (ContainerBuildKitHost) builds the image and pushes it from the daemon; it cannot {cannot}.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task Packages_with_no_package_manager_on_a_BuildKit_daemon_are_CTZ2014_before_the_daemon_is_asked()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var settings = new ContainerSettings { BuildKitHost = "unix://" + work.Combine("nobody-listens.sock"), Registry = "127.0.0.1:1", Packages = [new PackageSetting("curl", "")] };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, settings) with { Push = true }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ2014", exception.Diagnostic.Code);
        Assert.StartsWith("ContainerPackage items need the base image's package manager, which is found by looking into the image through the engine, and the image is built on a BuildKit daemon (ContainerBuildKitHost).", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task Missing_certificate_files_are_CTZ1056_before_the_daemon_is_asked()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        Directory.CreateDirectory(work.Combine("certs"));
        File.WriteAllText(work.Combine("certs/ca.pem"), "");
        var settings = new ContainerSettings { BuildKitHost = "tcp://127.0.0.1:1", BuildKitCertificates = work.Combine("certs"), Registry = "127.0.0.1:1" };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, settings) with { Push = true }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ1056", exception.Diagnostic.Code);
        Assert.StartsWith($"ContainerBuildKitCertificates: {work.Combine("certs/cert.pem")}, {work.Combine("certs/key.pem")} are missing.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task A_BuildKit_daemon_that_does_not_answer_is_CTZ2017()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var address = "unix://" + work.Combine("nobody-listens.sock");
        var settings = new ContainerSettings { BuildKitHost = address, Registry = "127.0.0.1:1" };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, settings) with { Push = true }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ2017", exception.Diagnostic.Code);
        Assert.StartsWith($"No BuildKit daemon answers at {address} (ContainerBuildKitHost): ", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task An_unknown_archive_format_is_CTZ1025_and_a_bad_insecure_registry_CTZ1026_both_reported_before_anything_is_read()
    {
        var request = Request(work.Combine("bin/publish")) with { ArchiveFormat = "tarball", InsecureRegistries = ["registry.local:5000", "http://registry.local"] };

        var result = await NoEngineAnywhere().RunAsync(request, TestContext.CancellationToken);

        Assert.IsNull(result);
        Assert.AreSequenceEqual(new[]
        {
            "CTZ1021: The publish output folder '" + work.Combine("bin/publish") + "' does not exist or is empty. Run the Containerize target after Publish (dotnet publish -p:Containerize=true).",
            "CTZ1025: ContainerArchiveFormat 'tarball' is not known. Use 'docker' (a tar for docker load) or 'oci' (an OCI image layout tar).",
            "CTZ1026: ContainerInsecureRegistries holds 'http://registry.local', which is not a registry host[:port] (for example: registry.local:5000).",
        }, log.Diagnostics.Select(diagnostic => $"{diagnostic.Code}: {diagnostic.Message}").ToArray());
    }

    [TestMethod]
    public async Task The_docker_backend_with_no_engine_endpoint_anywhere_is_CTZ2001()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, new ContainerSettings { Backend = "docker" }), TestContext.CancellationToken));

        Assert.AreEqual("CTZ2001", exception.Diagnostic.Code);
        Assert.StartsWith("The Docker engine at unix:///var/run/docker.sock (from the default socket) did not answer: no engine socket exists.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public async Task A_configured_endpoint_that_does_not_answer_is_CTZ2001_never_a_fallback()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var socket = "unix://" + work.Combine("no-engine.sock");

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, dockerHost: socket), TestContext.CancellationToken));

        Assert.AreEqual("CTZ2001", exception.Diagnostic.Code);
        Assert.StartsWith($"The Docker engine at {socket} (from ContainerDockerHost) did not answer:", exception.Diagnostic.Message);
    }

    [TestMethod]
    [DataRow("docker", "localhost:5000/acme")]
    [DataRow("auto", "")]
    public async Task Several_platforms_without_a_registry_or_with_the_docker_backend_is_CTZ1029(string backend, string registry)
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var settings = new ContainerSettings { Backend = backend, Registry = registry, RuntimeIdentifiers = "linux-x64;linux-arm64" };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(
            () => NoEngineAnywhere().RunAsync(Request(publish.Path, settings) with { Push = true }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ1029", exception.Diagnostic.Code);
    }

    [TestMethod]
    public async Task An_archive_path_that_is_a_folder_is_CTZ1030()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        Directory.CreateDirectory(work.Combine("out"));

        var result = await NoEngineAnywhere().RunAsync(Request(publish.Path) with { ArchivePath = work.Combine("out") }, TestContext.CancellationToken);

        Assert.IsNull(result);
        Assert.AreEqual("CTZ1030", Assert.ContainsSingle(log.Diagnostics).Code);
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public async Task An_archive_path_on_a_device_or_under_a_file_stops_the_run_before_anything_is_built()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        work.WriteFile("artifacts", "a file");

        var onDevice = await NoEngineAnywhere().RunAsync(Request(publish.Path) with { ArchivePath = "/dev/null" }, TestContext.CancellationToken);
        var underFile = await NoEngineAnywhere().RunAsync(Request(publish.Path) with { ArchivePath = work.Combine("artifacts/image.tar") }, TestContext.CancellationToken);

        Assert.IsNull(onDevice);
        Assert.IsNull(underFile);
        Assert.AreSequenceEqual(new[] { "CTZ1064", "CTZ1062" }, log.Diagnostics.Select(diagnostic => diagnostic.Code).ToArray());
        Assert.IsFalse(Directory.Exists(Path.Combine(Request(publish.Path).ContextDirectory, "layers")), "nothing staged");
    }

    [TestMethod]
    public async Task An_oci_archive_from_the_docker_backend_is_CTZ1031_before_any_engine_call()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var resolver = new DockerEndpointResolver(name => name == "DOCKER_HOST" ? "tcp://127.0.0.1:1" : null, _ => false);
        var containerizer = new Containerizer(log, resolver, new CredentialResolver(_ => null), RetryPolicy.Default, new BlobCache(work.Combine("cache"), log));

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => containerizer.RunAsync(
            Request(publish.Path, new ContainerSettings { Backend = "docker" }) with { ArchivePath = work.Combine("image.tar"), ArchiveFormat = "oci" },
            TestContext.CancellationToken));

        Assert.AreEqual("CTZ1031", exception.Diagnostic.Code);
    }

    [TestMethod]
    public async Task Several_platforms_of_an_app_published_per_RID_with_only_one_publish_is_CTZ1028()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");
        var settings = new ContainerSettings { Registry = "localhost:5000/acme", RuntimeIdentifiers = "linux-x64;linux-arm64" };

        var exception = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => NoEngineAnywhere().RunAsync(
            Request(publish.Path, settings) with { Push = true, Project = Projects.SelfContained() }, TestContext.CancellationToken));

        Assert.AreEqual("CTZ1028", exception.Diagnostic.Code);
        Assert.Contains("publishes once per RID", exception.Diagnostic.Message);
    }
}
