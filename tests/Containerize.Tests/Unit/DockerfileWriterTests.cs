using System.Text;
using Containerize.Dockerfile;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>Generated Dockerfiles compared byte for byte with the hand-written files in Golden/.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DockerfileWriterTests
{
    private static ContainerSpec Complete(ProjectFacts project, ContainerSettings settings, PublishFolder publish, BaseImageFacts baseImage)
    {
        var spec = Resolution.Succeeds(project, settings) with { Layers = publish.Plan(project.AssemblyName) };
        return BaseImageCompletion.Complete(spec, baseImage);
    }

    private static void AssertMatchesGolden(string name, ContainerSpec spec)
    {
        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".Dockerfile"));
        var actual = Encoding.UTF8.GetBytes(DockerfileWriter.Write(spec));
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.AreEqual(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual), $"Golden/{name}.Dockerfile");
            Assert.Fail($"Golden/{name}.Dockerfile: same text, different bytes.");
        }
    }

    [TestMethod]
    public void A_framework_dependent_console_app()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");

        AssertMatchesGolden("ConsoleFrameworkDependent", Complete(Projects.Console(), new ContainerSettings(), publish, BaseImages.DotNet()));
    }

    [TestMethod]
    public void A_web_app_with_ports_environment_and_labels()
    {
        using var publish = PublishFolder.FrameworkDependent("WebApi")
            .Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage)
            .Add("appsettings.json")
            .Add("wwwroot/index.html");
        var project = Projects.Web() with
        {
            Description = "The shop's web API.",
            Authors = "Ada Lovelace",
            Company = "Acme",
            ProjectUrl = "https://acme.example/shop",
            LicenseExpression = "MIT",
            RepositoryUrl = "https://github.com/acme/shop",
            SourceRevisionId = "0123abc",
        };
        var settings = new ContainerSettings
        {
            Ports = [new("8080", "tcp"), new("8443", ""), new("5353", "udp")],
            EnvironmentVariables = [new("ASPNETCORE_ENVIRONMENT", "Production"), new("Greeting", "Hello \"world\" from $HOME")],
            EnvironmentVariablesProperty = "LOG_LEVEL=Debug",
            Labels = [new("com.example.team", "shop")],
            SourceDateEpoch = "1700000000",
        };

        var spec = Complete(project, settings, publish, BaseImages.AspNet("sha256:" + new string('2', 64)));

        AssertMatchesGolden("WebWithPortsEnvironmentAndLabels", spec);
    }

    [TestMethod]
    public void A_self_contained_app_with_all_five_layers()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop")
            .Add("libcoreclr.so", PublishFolder.RuntimePack)
            .Add("System.Private.CoreLib.dll", PublishFolder.RuntimePack)
            .Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage)
            .Add("Acme.Preview.dll", PublishFolder.PrereleasePackage)
            .Add("Shop.Core.dll", PublishFolder.ProjectReference);

        var spec = Complete(Projects.SelfContained("Shop"), new ContainerSettings { GenerateLabels = false }, publish, BaseImages.DotNet());

        AssertMatchesGolden("SelfContainedAllLayers", spec);
    }

    [TestMethod]
    public void The_DefaultArgs_instruction_writes_the_command_as_CMD_without_ENTRYPOINT()
    {
        using var publish = PublishFolder.FrameworkDependent("Worker");
        var settings = new ContainerSettings
        {
            AppCommandInstruction = "DefaultArgs",
            AppCommandArgs = ["--mode", "worker"],
            DefaultArgs = ["--verbose"],
            WorkingDirectory = "/srv/worker",
            User = "app",
        };

        var spec = Complete(Projects.Console("Worker") with { Version = "3.0.0+build.7" }, settings, publish, BaseImages.DotNet());

        AssertMatchesGolden("DefaultArgsInstruction", spec);
    }

    [TestMethod]
    public void An_AOT_app_with_default_args_has_ENTRYPOINT_and_CMD()
    {
        using var publish = new PublishFolder().Add("Tool").Add("Tool.dbg");
        var project = Projects.Console("Tool") with { PublishAot = true, InvariantGlobalization = true, RuntimeIdentifier = "linux-x64" };

        var spec = Complete(project, new ContainerSettings { DefaultArgs = ["--help"], GenerateLabels = false }, publish, BaseImages.DotNet());

        AssertMatchesGolden("AotEntrypointWithDefaultArgs", spec);
    }

    [TestMethod]
    public void Instructions_that_rarely_change_come_first_and_the_labels_just_before_the_app_layer()
    {
        using var publish = PublishFolder.FrameworkDependent("WebApi").Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage);
        var settings = new ContainerSettings { EnvironmentVariables = [new("A", "1")], Labels = [new("b", "2")], DefaultArgs = ["x"] };

        var keywords = DockerfileReader.Instructions(DockerfileWriter.Write(Complete(Projects.Web(), settings, publish, BaseImages.AspNet())))
            .Select(instruction => instruction.Keyword).ToArray();

        Assert.AreSequenceEqual(new[] { "FROM", "ENV", "EXPOSE", "WORKDIR", "USER", "ENTRYPOINT", "CMD", "COPY", "COPY", "LABEL", "COPY" }, keywords);
    }

    [TestMethod]
    public void A_spec_without_a_user_is_not_written()
    {
        var spec = Resolution.Succeeds(Projects.Console());

        Assert.ThrowsExactly<InvalidOperationException>(() => DockerfileWriter.Write(spec));
    }

    [TestMethod]
    public void Each_layer_is_copied_from_its_folder_into_the_working_directory()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings { WorkingDirectory = "/" }), BaseImages.DotNet())
            with { Layers = [new Layer("5-app", [])] };

        Assert.Contains("\nCOPY layers/5-app/ /\n", DockerfileWriter.Write(spec));
    }

    [TestMethod]
    [DataRow("apt", "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl libicu72=72.1-3 && rm -rf /var/lib/apt/lists/*")]
    [DataRow("apk", "RUN apk add --no-cache curl libicu72=72.1-3")]
    [DataRow("tdnf", "RUN tdnf install -y curl libicu72-72.1-3 && tdnf clean all")]
    [DataRow("dnf", "RUN dnf install -y curl libicu72-72.1-3 && dnf clean all")]
    public void Packages_are_installed_in_one_RUN_with_the_package_manager_as_root_before_everything_else(string manager, string expected)
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            Packages = [new PackageSetting("curl", ""), new PackageSetting("libicu72", "72.1-3")],
            PackageManager = manager,
            RunCommands = [new RunCommandSetting("echo shell form > /tmp/x", false), new RunCommandSetting("/bin/echo \"exec form\"", true)],
        }), BaseImages.DotNet());

        var lines = DockerfileWriter.Write(spec).Split('\n');

        Assert.AreSequenceEqual(new[] { "USER root", "WORKDIR /app", expected, "RUN echo shell form > /tmp/x", "RUN [\"/bin/echo\", \"exec form\"]" }, lines[2..7]);
    }

    [TestMethod]
    public void A_health_check_is_written_in_exec_form_with_its_options()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Web(), new ContainerSettings
        {
            HealthCheck = "curl;-f;http://localhost:8080/healthz",
            HealthCheckInterval = "10s",
            HealthCheckTimeout = "2s",
            HealthCheckStartPeriod = "500ms",
            HealthCheckRetries = "3",
        }), BaseImages.AspNet());

        Assert.Contains("\nHEALTHCHECK --interval=10s --timeout=2s --start-period=500ms --retries=3 CMD [\"curl\", \"-f\", \"http://localhost:8080/healthz\"]\n", DockerfileWriter.Write(spec));
    }

    [TestMethod]
    public void A_step_mounts_the_secrets_it_names_and_the_header_says_how_to_give_them_to_docker_build()
    {
        // The spec as resolution makes it (the sources exist when it runs; here they need not).
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings { PackageManager = "apt" }), BaseImages.DotNet()) with
        {
            Packages = [new PackageSetting("curl", "") { Secrets = ["apt_auth"] }, new PackageSetting("jq", "") { Secrets = ["apt_auth"] }],
            RunSteps =
            [
                new RunCommandSetting("dotnet nuget list source", false) { Secrets = ["feed_token", "apt_auth"] },
                new RunCommandSetting("/bin/echo plain", true),
            ],
            BuildSecrets = [new BuildSecret("feed_token", "FEED_TOKEN", ""), new BuildSecret("apt_auth", "", "/home/ci/auth.conf")],
        };

        var lines = DockerfileWriter.Write(spec).Split('\n');

        Assert.AreSequenceEqual(new[]
        {
            DockerfileWriter.Header.TrimEnd('\n'),
            "# RUN --mount=type=secret needs BuildKit (docker build on Docker Engine 23 and later), given the secrets as:",
            "# docker build --secret id=feed_token,env=FEED_TOKEN --secret id=apt_auth,src=/home/ci/auth.conf <this folder>",
            "FROM mcr.microsoft.com/dotnet/runtime:10.0",
            "USER root",
            "WORKDIR /app",
            "RUN --mount=type=secret,id=apt_auth apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl jq && rm -rf /var/lib/apt/lists/*",
            "RUN --mount=type=secret,id=feed_token --mount=type=secret,id=apt_auth dotnet nuget list source",
            "RUN [\"/bin/echo\", \"plain\"]",
        }, lines[..9]);
    }

    [TestMethod]
    public void Without_secrets_the_Dockerfile_has_no_BuildKit_header() =>
        Assert.DoesNotContain("--mount", DockerfileWriter.Write(BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            RunCommands = [new RunCommandSetting("true", false)],
        }), BaseImages.DotNet())));
}
