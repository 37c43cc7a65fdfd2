using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>ContainerDockerfile and ContainerBuildArg: validation, the warnings for what has no effect, the base images it names, its context.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class OwnDockerfileTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    [TestMethod]
    public void A_missing_Dockerfile_is_CTZ1040()
    {
        var path = work.Combine("Dockerfile.custom");

        var message = Resolution.FailsWith("CTZ1040", Projects.Console(), new ContainerSettings { Dockerfile = path }).Message;

        Assert.AreEqual($"ContainerDockerfile '{path}' does not exist. Name your Dockerfile (relative to the project folder), or write the generated one there first with -t:GenerateDockerfile.", message);
    }

    [TestMethod]
    [DataRow("1ST")]
    [DataRow("MY-ARG")]
    [DataRow("A B")]
    public void A_build_argument_that_is_not_a_name_is_CTZ1041(string name)
    {
        var settings = new ContainerSettings { Dockerfile = work.WriteFile("Dockerfile", "FROM x\n"), BuildArgs = [new(name, "1")] };

        Assert.StartsWith($"ContainerBuildArg '{name}' is not a build argument name.", Resolution.FailsWith("CTZ1041", Projects.Console(), settings).Message);
    }

    [TestMethod]
    public void The_Dockerfile_and_the_build_arguments_are_in_the_spec_the_last_value_winning()
    {
        var settings = new ContainerSettings { Dockerfile = work.WriteFile("Dockerfile", "FROM x\nARG A\n"), BuildArgs = [new("A", "1"), new("B", "2"), new("A", "3")] };

        var spec = Resolution.Succeeds(Projects.Console(), settings, out var diagnostics);

        Assert.AreEqual("FROM x\nARG A\n", spec.Dockerfile);
        Assert.AreSequenceEqual(new[] { "A=3", "B=2" }, spec.BuildArgs.Select(pair => $"{pair.Key}={pair.Value}").ToArray());
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void Settings_that_only_shape_the_generated_Dockerfile_are_a_CTZ1042_warning_with_an_own_one()
    {
        var settings = new ContainerSettings
        {
            Dockerfile = work.WriteFile("Dockerfile", "FROM x\n"),
            Packages = [new PackageSetting("curl", "")],
            EnvironmentVariables = [new("A", "1")],
            User = "app",
        };

        Resolution.Succeeds(Projects.Console(), settings, out var diagnostics);

        Assert.AreEqual(new Diagnostic("CTZ1042",
            "ContainerPackage, ContainerEnvironmentVariable, ContainerUser only shape the generated Dockerfile, and ContainerDockerfile replaces it: they have no effect. Write what they say into your Dockerfile, or remove them.",
            Severity.Warning), diagnostics.Single());
    }

    [TestMethod]
    public void Build_arguments_without_an_own_Dockerfile_are_a_CTZ1044_warning()
    {
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { BuildArgs = [new("A", "1")] }, out var diagnostics);

        Assert.AreEqual(new Diagnostic("CTZ1044",
            "ContainerBuildArg items are build arguments of your own Dockerfile (ContainerDockerfile); the generated Dockerfile has no ARG, so they have no effect.",
            Severity.Warning), diagnostics.Single());
    }

    [TestMethod]
    public void The_base_images_are_the_FROM_images_that_are_not_stages_ARGs_or_scratch()
    {
        const string dockerfile = """
            # syntax=docker/dockerfile:1
            ARG BASE=mcr.microsoft.com/dotnet/runtime:10.0
            FROM --platform=linux/amd64 localhost:5000/dotnet/sdk:10.0 AS build
            RUN echo FROM nowhere
            from build as test
            FROM ${BASE}
            FROM scratch AS empty
            FROM localhost:5000/dotnet/runtime:10.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            FROM localhost:5000/dotnet/sdk:10.0
            """;

        Assert.AreSequenceEqual(new[]
        {
            "localhost:5000/dotnet/sdk:10.0",
            "localhost:5000/dotnet/runtime:10.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        }, DockerfileBases.Find(dockerfile).Select(reference => reference.ToString()).ToArray());
    }

    [TestMethod]
    public void The_context_of_an_own_Dockerfile_has_it_and_every_layer_folder()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var spec = Resolution.Succeeds(Projects.Console("Shop"), new ContainerSettings { Dockerfile = work.WriteFile("Dockerfile", "FROM x\nCOPY layers/5-app/ /app/\n") })
            with { Layers = publish.Plan("Shop") };
        var context = work.Combine("context");

        ContextStager.Stage(spec, context);

        Assert.AreEqual("FROM x\nCOPY layers/5-app/ /app/\n", File.ReadAllText(Path.Combine(context, "Dockerfile")));
        Assert.AreSequenceEqual(new[] { "1-runtime", "2-packages", "3-volatile", "4-apphost", "5-app", "empty" },
            Directory.GetDirectories(Path.Combine(context, "layers")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void The_copy_for_the_project_says_how_to_use_it()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet());

        var text = DockerfileWriter.Write(spec, DockerfileWriter.EditableHeader);

        Assert.AreEqual(DockerfileWriter.EditableHeader + DockerfileWriter.Write(spec)[DockerfileWriter.Header.Length..], text);
        StringAssert.Contains(text, "setting <ContainerDockerfile> to this file");
    }
}
