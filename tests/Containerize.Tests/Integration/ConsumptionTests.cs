using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>The packed packages used as a user uses them: brand-new template projects, the project SDK, projects that are not apps.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class ConsumptionTests
{
    [TestMethod]
    [TestCategory("Engine")]
    [DataRow("console", "runtime", "Hello, World!\n")]
    [DataRow("web", "aspnet", null)]
    public void ABrandNewTemplateProjectWithThePackageReferenceGetsADockerfileAndAnImage(string template, string baseName, string? expectedOutput)
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Empty("Fresh" + template);
        project.Dotnet(["new", template, "-n", project.Name, "-o", project.Directory, "--force"]).ShouldSucceed();
        project.Dotnet(["add", project.ProjectPath, "package", "Containerize", "--version", PackedPackages.Version]).ShouldSucceed();
        var repository = "ctz-fresh-" + template;
        var reference = project.Track(repository + ":1.0.0");
        project.Track(repository + ":latest");

        project.Publish("-p:Containerize=true", "-p:ContainerRepository=" + repository).ShouldSucceed();

        StringAssert.StartsWith(File.ReadAllLines(project.DockerfilePath)[1], $"FROM {TestEnvironment.BaseRegistry}/dotnet/{baseName}:10.0");
        if (expectedOutput is not null)
        {
            Assert.AreEqual(expectedOutput, DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
        }
        else
        {
            Assert.AreEqual("1654", DockerCli.InspectImage(reference).GetProperty("Config").GetProperty("User").GetString());
        }
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void AProjectUsingContainerizeSdkIsContainerized()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.Empty("SdkUser");
        project.WriteProject($"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Sdk Name="Containerize.Sdk" Version="{PackedPackages.Version}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ContainerRepository>ctz-sdk-user</ContainerRepository>
                <ContainerImageTag>1.0.0</ContainerImageTag>
              </PropertyGroup>
            </Project>
            """);
        project.WriteFile("Program.cs", "System.Console.WriteLine(\"from the SDK\");\n");
        var reference = project.Track("ctz-sdk-user:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        Assert.AreEqual("from the SDK\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    [DataRow("Library", "<OutputType>Library</OutputType>")]
    [DataRow("Tests", "<OutputType>Exe</OutputType><IsTestProject>true</IsTestProject>")]
    public void ProjectsThatAreNotAppsAreLeftAlone(string name, string properties)
    {
        using var project = TestProject.Empty(name);
        project.WriteProject($"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Containerize" Version="{PackedPackages.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        project.WriteFile("Code.cs", "public static class Code { public static void Main() { } }\n");

        var result = project.Publish("-p:Containerize=true", "-p:ContainerDockerHost=unix:///tmp/ctz-never-called.sock").ShouldSucceed();

        Assert.IsFalse(Directory.Exists(project.ContextDirectory), result.Output);
        Assert.IsFalse(result.Output.Contains("CTZ"), result.Output);
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ASelfContainedAppWithDependenciesGetsEveryLayerInOrder()
    {
        TestEnvironment.RequireEngine();
        using var library = TestProject.Empty("Helper");
        library.WriteProject("""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        library.WriteFile("Helper.cs", "public static class Helper { public static string Name => \"helper\"; }\n");
        using var project = TestProject.Create("Layered", "Console.WriteLine(Helper.Name + \" \" + Humanizer.InflectorExtensions.Pascalize(\"layered app\"));\n",
            properties: "<ContainerRepository>ctz-layered</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>true</SelfContained>",
            items: $"<PackageReference Include=\"Humanizer.Core\" Version=\"2.14.1\" /><ProjectReference Include=\"{library.ProjectPath}\" />");
        var reference = project.Track("ctz-layered:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        var context = Path.Combine(project.Directory, "obj", "Release", "net10.0", "linux-x64", "containerize");
        var copies = File.ReadAllLines(Path.Combine(context, "Dockerfile")).Where(line => line.StartsWith("COPY ")).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "COPY layers/1-runtime/ /app/", "COPY layers/2-packages/ /app/", "COPY layers/3-volatile/ /app/",
            "COPY layers/4-apphost/ /app/", "COPY layers/5-app/ /app/",
        }, copies);
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "1-runtime", "libcoreclr.so")));
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "2-packages", "Humanizer.dll")));
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "3-volatile", "Helper.dll")));
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "4-apphost", "Layered")));
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "5-app", "Layered.dll")));
        var config = DockerCli.InspectImage(reference).GetProperty("Config");
        CollectionAssert.AreEqual(new[] { "/app/Layered" }, DockerCli.Strings(config.GetProperty("Entrypoint")));
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/runtime-deps:10.0", DockerCli.Labels(DockerCli.InspectImage(reference))["org.opencontainers.image.base.name"]);
        Assert.AreEqual("helper LayeredApp\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }
}
