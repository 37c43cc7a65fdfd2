using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>Each configuration mistake is its own CTZ error that names what to fix, found before any engine call.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ConfigurationErrorTests
{
    private static string MessageOf(string code, ContainerSettings settings, ProjectFacts? project = null) =>
        Resolution.FailsWith(code, project ?? Projects.Console(), settings).Message;

    [TestMethod]
    public void An_unknown_backend_is_CTZ1001() =>
        Assert.StartsWith("ContainerizeBackend 'podman' is not known.", MessageOf("CTZ1001", new ContainerSettings { Backend = "podman" }));

    [TestMethod]
    [DataRow("auto")]
    [DataRow("docker")]
    [DataRow("Docker")]
    [DataRow("")]
    public void The_known_backends_are_accepted(string backend) =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { Backend = backend });

    [TestMethod]
    [DataRow("http://127.0.0.1:1234")]
    [DataRow("tcp://buildkitd")]
    [DataRow("tcp://buildkitd:1234/path")]
    [DataRow("unix://relative.sock")]
    [DataRow("buildkitd.sock")]
    public void A_BuildKit_host_that_is_no_address_is_CTZ1052(string host) =>
        Assert.AreEqual($"ContainerBuildKitHost '{host}' is not a BuildKit daemon's address. Use unix:///run/buildkit/buildkitd.sock or tcp://host:port (with ContainerBuildKitCertificates for TLS), as buildx's remote driver takes them.",
            MessageOf("CTZ1052", new ContainerSettings { BuildKitHost = host }));

    [TestMethod]
    [DataRow("", "unix:///run/buildkit/buildkitd.sock", "")]
    [DataRow("buildkit", "unix:///run/buildkit/buildkitd.sock", "")]
    [DataRow("auto", "tcp://buildkitd.example:1234", "certs")]
    [DataRow(" BuildKit ", "tcp://127.0.0.1:1234", "")]
    public void A_BuildKit_daemon_address_is_accepted_and_chooses_the_BuildKit_backend(string backend, string host, string certificates)
    {
        var settings = new ContainerSettings { Backend = backend, BuildKitHost = host, BuildKitCertificates = certificates };
        Resolution.Succeeds(Projects.Console(), settings);
        Assert.IsTrue(settings.UsesBuildKitDaemon);
    }

    [TestMethod]
    public void The_BuildKit_backend_without_a_host_is_CTZ1053() =>
        Assert.StartsWith("ContainerizeBackend 'buildkit' builds on a standalone BuildKit daemon, and ContainerBuildKitHost, which names it, is empty.",
            MessageOf("CTZ1053", new ContainerSettings { Backend = "buildkit" }));

    [TestMethod]
    public void The_legacy_builder_on_a_BuildKit_daemon_is_CTZ1054() =>
        Assert.AreEqual("The BuildKit daemon backend (ContainerBuildKitHost) builds the image and pushes it from the daemon; it cannot use the engine's legacy builder (ContainerizeBuilder=legacy). Remove ContainerizeBuilder, or ContainerBuildKitHost to build with the engine.",
            MessageOf("CTZ1054", new ContainerSettings { Builder = "legacy", BuildKitHost = "unix:///run/buildkit/buildkitd.sock" }));

    [TestMethod]
    [DataRow("docker")]
    [DataRow("daemonless")]
    public void A_BuildKit_host_another_backend_would_ignore_is_CTZ1055(string backend) =>
        Assert.AreEqual($"ContainerBuildKitHost is set, but ContainerizeBackend '{backend}' does not build on a BuildKit daemon, so the setting would be ignored. Use ContainerizeBackend=buildkit (or auto), or remove ContainerBuildKitHost.",
            MessageOf("CTZ1055", new ContainerSettings { Backend = backend, BuildKitHost = "unix:///run/buildkit/buildkitd.sock" }));

    [TestMethod]
    [DataRow("", "ContainerBuildKitHost is empty")]
    [DataRow("unix:///run/buildkit/buildkitd.sock", "ContainerBuildKitHost 'unix:///run/buildkit/buildkitd.sock' is not a tcp:// address")]
    public void Certificates_no_tcp_daemon_uses_are_CTZ1056(string host, string why) =>
        Assert.StartsWith($"ContainerBuildKitCertificates: it is set, but {why}, so it would be ignored.",
            MessageOf("CTZ1056", new ContainerSettings { BuildKitHost = host, BuildKitCertificates = "/etc/buildkit/certs" }));

    [TestMethod]
    [DataRow("localhost:0")]
    [DataRow("localhost:65536")]
    [DataRow("registry.example:99999/acme")]
    public void A_registry_with_a_port_no_registry_can_have_is_CTZ1022(string registry) =>
        Assert.AreEqual($"ContainerRegistry '{registry}' is not a registry host[:port] (a port is 1–65535), optionally followed by a namespace (for example: ghcr.io/acme or localhost:5000).",
            MessageOf("CTZ1022", new ContainerSettings { Registry = registry }));

    [TestMethod]
    [DataRow("localhost:65535")]
    [DataRow("[::1]:5000/acme")]
    [DataRow("[::1]")]
    public void Registries_with_possible_ports_are_accepted(string registry) =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { Registry = registry });

    [TestMethod]
    public void An_unknown_builder_is_CTZ1045() =>
        Assert.AreEqual("ContainerizeBuilder 'kaniko' is not known. Use 'buildkit', 'legacy' (the engine's builder before BuildKit) or 'auto' (BuildKit when the engine offers it).",
            MessageOf("CTZ1045", new ContainerSettings { Builder = "kaniko" }));

    [TestMethod]
    [DataRow("buildkit")]
    [DataRow(" Legacy ")]
    public void A_builder_named_for_the_daemonless_backend_is_CTZ1046(string builder) =>
        Assert.StartsWith($"ContainerizeBuilder '{builder.Trim().ToLowerInvariant()}' chooses the Docker engine's builder, and the image is made without an engine",
            MessageOf("CTZ1046", new ContainerSettings { Builder = builder, Backend = "daemonless" }));

    [TestMethod]
    [DataRow("auto", "docker")]
    [DataRow("BuildKit", "auto")]
    [DataRow("legacy", "docker")]
    [DataRow("", "daemonless")]
    [DataRow("auto", "daemonless")]
    public void The_known_builders_are_accepted(string builder, string backend) =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { Builder = builder, Backend = backend });

    [TestMethod]
    [DataRow("Acme/Shop")]
    [DataRow("shop app")]
    [DataRow("-shop")]
    [DataRow("shop//app")]
    public void An_invalid_ContainerRepository_is_CTZ1003(string repository) =>
        Assert.StartsWith($"ContainerRepository '{repository}' is not a valid repository name.", MessageOf("CTZ1003", new ContainerSettings { Repository = repository }));

    [TestMethod]
    public void An_assembly_name_with_no_usable_character_is_CTZ1003_pointing_at_ContainerRepository() =>
        Assert.Contains("The repository derived from AssemblyName '_' (set ContainerRepository)", MessageOf("CTZ1003", new ContainerSettings(), Projects.Console("_")));

    [TestMethod]
    public void An_invalid_ContainerImageTag_is_CTZ1004() =>
        Assert.StartsWith("ContainerImageTag holds '-bad', which is not a valid image tag.", MessageOf("CTZ1004", new ContainerSettings { ImageTag = "-bad" }));

    [TestMethod]
    public void An_invalid_entry_of_ContainerImageTags_is_CTZ1004() =>
        Assert.StartsWith("ContainerImageTags holds 'not/ok', which is not a valid image tag.", MessageOf("CTZ1004", new ContainerSettings { ImageTags = "1.0;not/ok" }));

    [TestMethod]
    public void A_tag_longer_than_128_characters_is_CTZ1004() =>
        Assert.Contains("1 to 128 characters", MessageOf("CTZ1004", new ContainerSettings { ImageTag = new string('a', 129) }));

    [TestMethod]
    public void A_version_that_cannot_become_a_tag_is_CTZ1004_naming_Version() =>
        Assert.StartsWith("Version holds '1.0 beta', which is not a valid image tag.", MessageOf("CTZ1004", new ContainerSettings(), Projects.Console() with { Version = "1.0 beta" }));

    [TestMethod]
    public void Both_tag_properties_is_CTZ1005() =>
        Assert.StartsWith("ContainerImageTag and ContainerImageTags are both set.", MessageOf("CTZ1005", new ContainerSettings { ImageTag = "a", ImageTags = "b" }));

    [TestMethod]
    [DataRow("mcr.microsoft.com/dotnet/Runtime:10.0")]
    [DataRow("mcr.microsoft.com/dotnet/runtime@sha256:abc")]
    [DataRow("mcr.microsoft.com/dotnet/runtime:bad tag")]
    [DataRow("mcr.microsoft.com/dotnet/runtime:")]
    public void An_invalid_ContainerBaseImage_is_CTZ1006(string reference) =>
        Assert.StartsWith($"ContainerBaseImage '{reference}' is not a valid image reference.", MessageOf("CTZ1006", new ContainerSettings { BaseImage = reference }));

    [TestMethod]
    [DataRow("app")]
    [DataRow("/my app")]
    [DataRow("C:\\app")]
    [DataRow("/app/$HOME")]
    public void A_relative_or_unusual_working_directory_is_CTZ1007(string directory) =>
        Assert.StartsWith($"ContainerWorkingDirectory '{directory}' must be an absolute Linux path", MessageOf("CTZ1007", new ContainerSettings { WorkingDirectory = directory }));

    [TestMethod]
    [DataRow("0")]
    [DataRow("65536")]
    [DataRow("-1")]
    [DataRow("http")]
    [DataRow("80/tcp")]
    public void A_port_outside_1_to_65535_is_CTZ1008(string port) =>
        Assert.AreEqual($"ContainerPort '{port}' is not a port number from 1 to 65535.", MessageOf("CTZ1008", new ContainerSettings { Ports = [new(port, "tcp")] }));

    [TestMethod]
    [DataRow("1")]
    [DataRow("65535")]
    public void The_port_range_bounds_are_accepted(string port) =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { Ports = [new(port, "")] });

    [TestMethod]
    public void A_port_type_other_than_tcp_or_udp_is_CTZ1009() =>
        Assert.AreEqual("ContainerPort '8080' has Type 'sctp'. Use 'tcp' or 'udp'.", MessageOf("CTZ1009", new ContainerSettings { Ports = [new("8080", "sctp")] }));

    [TestMethod]
    [DataRow("1BAD")]
    [DataRow("MY VAR")]
    [DataRow("A=B")]
    [DataRow("$X")]
    public void An_invalid_environment_variable_name_is_CTZ1010(string name) =>
        Assert.StartsWith($"ContainerEnvironmentVariable '{name}' is not a valid environment variable name.",
            MessageOf("CTZ1010", new ContainerSettings { EnvironmentVariables = [new(name, "v")] }));

    [TestMethod]
    public void A_newline_in_a_ContainerEnvironmentVariables_entry_names_the_property() =>
        Assert.Contains("ContainerEnvironmentVariables 'A' holds a newline", MessageOf("CTZ1011", new ContainerSettings { EnvironmentVariablesProperty = "A=1\n2" }));

    [TestMethod]
    public void A_newline_in_an_environment_value_is_CTZ1011() =>
        Assert.Contains("ContainerEnvironmentVariable 'A' holds a newline", MessageOf("CTZ1011", new ContainerSettings { EnvironmentVariables = [new("A", "1\n2")] }));

    [TestMethod]
    [DataRow("bad label")]
    [DataRow("-starts-with-dash")]
    [DataRow("quote\"d")]
    public void An_invalid_label_key_is_CTZ1012(string name) =>
        Assert.StartsWith($"ContainerLabel '{name}' is not a valid label key.", MessageOf("CTZ1012", new ContainerSettings { Labels = [new(name, "v")] }));

    [TestMethod]
    [DataRow("app user")]
    [DataRow("app:")]
    [DataRow(":1000")]
    [DataRow("-1")]
    public void A_user_the_USER_instruction_cannot_take_is_CTZ1013(string user) =>
        Assert.StartsWith($"ContainerUser '{user}' is not a user the Dockerfile USER instruction takes.", MessageOf("CTZ1013", new ContainerSettings { User = user }));

    [TestMethod]
    [DataRow("NOEQUALS")]
    [DataRow("=value")]
    public void An_environment_property_entry_without_a_name_and_equals_sign_is_CTZ1014(string entry) =>
        Assert.StartsWith($"ContainerEnvironmentVariables holds '{entry}', which is not NAME=VALUE.",
            MessageOf("CTZ1014", new ContainerSettings { EnvironmentVariablesProperty = "A=1;" + entry }));

    [TestMethod]
    [DataRow("Cmd")]
    [DataRow("Shell")]
    public void An_unknown_app_command_instruction_is_CTZ1015(string instruction) =>
        Assert.StartsWith($"ContainerAppCommandInstruction '{instruction}' is not known.", MessageOf("CTZ1015", new ContainerSettings { AppCommandInstruction = instruction }));

    [TestMethod]
    public void A_dotnet_framework_target_is_CTZ1016() =>
        Assert.StartsWith("Target framework 'net48' cannot run on the .NET container images.", MessageOf("CTZ1016", new ContainerSettings(),
            Projects.Console() with { TargetFramework = "net48", TargetFrameworkIdentifier = ".NETFramework", TargetFrameworkVersion = "v4.8" }));

    [TestMethod]
    public void A_target_framework_before_net6_is_CTZ1016() =>
        Assert.StartsWith("Target framework 'net5.0' cannot run", MessageOf("CTZ1016", new ContainerSettings(), Projects.Console().On("net5.0")));

    [TestMethod]
    [DataRow("bad family")]
    [DataRow("alpine!")]
    public void A_family_that_cannot_be_a_tag_suffix_is_CTZ1017(string family) =>
        Assert.StartsWith($"ContainerFamily '{family}' cannot be a tag suffix.", MessageOf("CTZ1017", new ContainerSettings { Family = family }));

    [TestMethod]
    [DataRow("not a registry")]
    [DataRow("mirror.example.com/MCR")]
    [DataRow("https://mcr.microsoft.com")]
    public void A_base_registry_that_is_not_a_host_is_CTZ1018(string registry) =>
        Assert.StartsWith($"ContainerBaseRegistry '{registry}' is not a registry host[:port]", MessageOf("CTZ1018", new ContainerSettings { BaseRegistry = registry }));

    [TestMethod]
    [DataRow("ghcr.io/Acme")]
    [DataRow("https://ghcr.io")]
    [DataRow("my registry")]
    public void An_invalid_ContainerRegistry_is_CTZ1022(string registry) =>
        Assert.StartsWith($"ContainerRegistry '{registry}' is not a registry host[:port] (a port is 1–65535), optionally followed by a namespace",
            MessageOf("CTZ1022", new ContainerSettings { Registry = registry }));

    [TestMethod]
    [DataRow("abc")]
    [DataRow("-1")]
    [DataRow("1.5")]
    [DataRow("253402300800")]
    public void A_SOURCE_DATE_EPOCH_that_is_not_whole_seconds_is_CTZ1023(string epoch) =>
        Assert.StartsWith($"SOURCE_DATE_EPOCH '{epoch}' is not a whole number of seconds since 1970-01-01 UTC.",
            MessageOf("CTZ1023", new ContainerSettings { SourceDateEpoch = epoch }));

    [TestMethod]
    public void SOURCE_DATE_EPOCH_is_checked_even_when_no_label_is_generated() =>
        Assert.StartsWith("SOURCE_DATE_EPOCH 'yesterday' is not a whole number",
            MessageOf("CTZ1023", new ContainerSettings { SourceDateEpoch = "yesterday", GenerateLabels = false }));

    [TestMethod]
    public void A_NUL_in_ContainerDefaultArgs_is_CTZ1024() =>
        Assert.AreEqual("ContainerDefaultArgs holds a NUL character, which no command line can pass. Remove it.",
            MessageOf("CTZ1024", new ContainerSettings { DefaultArgs = ["\0"] }));

    [TestMethod]
    [DataRow("win-x64")]
    [DataRow("osx-arm64")]
    public void A_runtime_identifier_that_is_not_linux_is_CTZ1027(string identifier) =>
        Assert.StartsWith($"ContainerRuntimeIdentifiers holds '{identifier}', which is not a Linux runtime identifier.",
            MessageOf("CTZ1027", new ContainerSettings { RuntimeIdentifiers = "linux-x64;" + identifier }));

    [TestMethod]
    public void Two_runtime_identifiers_of_one_platform_are_CTZ1091() =>
        Assert.StartsWith("ContainerRuntimeIdentifiers names linux-x64 and linux-musl-x64, which all make a linux/amd64 image: an image index holds one image per platform",
            MessageOf("CTZ1091", new ContainerSettings { RuntimeIdentifiers = "linux-x64;linux-arm64;linux-musl-x64;win-x64" }));


    [TestMethod]
    [DataRow("line\nbreak", "holds a newline")]
    [DataRow("   ", "is empty")]
    [DataRow("echo a \\", "ends with '\\'")]
    public void A_run_command_that_one_RUN_line_cannot_hold_is_CTZ1032(string command, string reason) =>
        Assert.Contains(reason, MessageOf("CTZ1032", new ContainerSettings { RunCommands = [new RunCommandSetting(command, false)] }));

    [TestMethod]
    [DataRow("curl; rm -rf /", "")]
    [DataRow("curl", "1.0 && rm")]
    public void A_package_name_or_version_a_package_manager_does_not_take_is_CTZ1033(string name, string version) =>
        Assert.StartsWith("ContainerPackage '", MessageOf("CTZ1033", new ContainerSettings { Packages = [new PackageSetting(name, version)] }));

    [TestMethod]
    public void An_unknown_package_manager_is_CTZ1034() =>
        Assert.StartsWith("ContainerPackageManager 'yum' is not known.", MessageOf("CTZ1034", new ContainerSettings { PackageManager = "yum" }));

    [TestMethod]
    [DataRow("ContainerHealthCheckInterval", "30")]
    [DataRow("ContainerHealthCheckTimeout", "soon")]
    [DataRow("ContainerHealthCheckRetries", "-1")]
    public void A_health_check_option_that_is_not_a_duration_or_count_is_CTZ1035(string property, string value)
    {
        var settings = new ContainerSettings
        {
            HealthCheck = "curl;-f;http://localhost:8080/",
            HealthCheckInterval = property == "ContainerHealthCheckInterval" ? value : "",
            HealthCheckTimeout = property == "ContainerHealthCheckTimeout" ? value : "",
            HealthCheckRetries = property == "ContainerHealthCheckRetries" ? value : "",
        };

        Assert.StartsWith($"{property} '{value}' is not valid.", MessageOf("CTZ1035", settings));
    }

    [TestMethod]
    [DataRow("data")]
    [DataRow("/")]
    [DataRow("/app/my data")]
    public void A_writable_directory_that_is_not_a_plain_absolute_path_is_CTZ1036(string directory) =>
        Assert.StartsWith($"ContainerWritableDirectory '{directory}' must be an absolute Linux path", MessageOf("CTZ1036", new ContainerSettings { WritableDirectories = [directory] }));

    private static readonly string SecretFile = typeof(ConfigurationErrorTests).Assembly.Location;

    private static ContainerSettings WithSecret(BuildSecret secret, string builder = "", string backend = "") => new()
    {
        Builder = builder, Backend = backend,
        BuildSecrets = [secret],
        RunCommands = [new RunCommandSetting("true", false) { Secrets = [secret.Id] }],
    };

    [TestMethod]
    [DataRow("-token", "PATH", "", "its id (Include) must be letters, digits, '_', '.' and '-', not starting with '.' or '-'")]
    [DataRow("token", "", "", "it needs exactly one source: Environment (the name of an environment variable) or File (a file's path)")]
    [DataRow("token", "PATH", "/etc/hostname", "it needs exactly one source: Environment (the name of an environment variable) or File (a file's path)")]
    [DataRow("token", "CTZ_TEST_NEVER_SET_VARIABLE", "", "its environment variable CTZ_TEST_NEVER_SET_VARIABLE (Environment metadata) is not set, or empty")]
    [DataRow("token", "", "/nonexistent/token.txt", "its file /nonexistent/token.txt (File metadata) does not exist")]
    public void An_unusable_ContainerBuildSecret_is_CTZ1047(string id, string environment, string file, string reason) =>
        Assert.AreEqual($"ContainerBuildSecret '{id}': {reason}. Declare a secret as <ContainerBuildSecret Include=\"id\" Environment=\"VARIABLE\" /> or <ContainerBuildSecret Include=\"id\" File=\"path\" />.",
            MessageOf("CTZ1047", WithSecret(new BuildSecret(id, environment, file))));

    [TestMethod]
    public void A_secret_declared_twice_is_CTZ1047() =>
        Assert.StartsWith("ContainerBuildSecret 'token': it is declared more than once.", MessageOf("CTZ1047", new ContainerSettings
        {
            BuildSecrets = [new BuildSecret("token", "PATH", ""), new BuildSecret("token", "", SecretFile)],
            RunCommands = [new RunCommandSetting("true", false) { Secrets = ["token"] }],
        }));

    [TestMethod]
    public void A_step_mounting_an_undeclared_secret_is_CTZ1048() =>
        Assert.AreEqual("ContainerPackage 'curl' mounts secret 'apt_auth' (Secrets metadata), which no ContainerBuildSecret item declares. Add <ContainerBuildSecret Include=\"apt_auth\" Environment=\"VARIABLE\" /> (or File=\"path\"), or remove 'apt_auth' from Secrets.",
            MessageOf("CTZ1048", new ContainerSettings { Packages = [new PackageSetting("curl", "") { Secrets = ["apt_auth"] }] }));

    [TestMethod]
    [DataRow("legacy", "", "ContainerizeBuilder=legacy cannot. Remove ContainerizeBuilder=legacy, or the ContainerBuildSecret items.")]
    [DataRow("", "daemonless", "ContainerizeBackend=daemonless cannot. Use ContainerizeBackend=docker (or auto, with an engine), or remove the ContainerBuildSecret items.")]
    public void Secrets_with_a_builder_that_cannot_give_them_are_CTZ1049(string builder, string backend, string end) =>
        Assert.AreEqual("ContainerBuildSecret items need the Docker engine's BuildKit builder, which gives a secret only to the step that mounts it and keeps it out of the image; " + end,
            MessageOf("CTZ1049", WithSecret(new BuildSecret("token", "PATH", ""), builder, backend)));

    [TestMethod]
    public void A_secret_no_step_mounts_is_warning_CTZ1050()
    {
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { BuildSecrets = [new BuildSecret("token", "", SecretFile)] }, out var diagnostics);

        Assert.AreEqual("CTZ1050", diagnostics.Single().Code);
        Assert.AreEqual(Containerize.Diagnostics.Severity.Warning, diagnostics.Single().Severity);
    }

    [TestMethod]
    public void A_secret_read_from_a_DOTNET_variable_is_warning_CTZ1051()
    {
        Environment.SetEnvironmentVariable("DOTNET_CTZ_TEST_TOKEN", "value");
        Resolution.Succeeds(Projects.Console(), WithSecret(new BuildSecret("token", "DOTNET_CTZ_TEST_TOKEN", "")), out var diagnostics);
        Environment.SetEnvironmentVariable("DOTNET_CTZ_TEST_TOKEN", null);

        Assert.AreEqual("ContainerBuildSecret 'token' is read from DOTNET_CTZ_TEST_TOKEN, and MSBuild writes every DOTNET_* and MSBUILD* environment variable into diagnostic (-v:diag) and binary logs. Use a variable of another name.",
            diagnostics.Single().Message);
    }

    [TestMethod]
    public void A_secret_from_a_variable_and_one_from_a_file_mounted_by_steps_are_accepted() =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            BuildSecrets = [new BuildSecret("token", "PATH", ""), new BuildSecret("key", "", SecretFile)],
            RunCommands = [new RunCommandSetting("true", false) { Secrets = ["token", "key"] }],
        });
}
