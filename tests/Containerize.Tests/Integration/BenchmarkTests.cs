using System.Text.RegularExpressions;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The benchmark (eng/bench) is not run by CI, only checked to start: its prerequisites and plan, nothing built. It is
/// given an app of the benchmark app's shape, as the shared WebDeps app need not be beside every clone.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class BenchmarkTests
{
    /// <summary>
    /// The tools of the default plan: the SDK, the engine backend per builder and engine, daemonless, and daemonless
    /// without SBOM and provenance (the reference of the target "SBOM + provenance").
    /// </summary>
    private static readonly string[] Tools = ["sdk", "docker", "docker-legacy", "docker28", "daemonless", "daemonless-bare"];

    [TestMethod]
    public void TheBenchmarkStarts()
    {
        TestEnvironment.RequireEngine();
        using var app = BenchmarkApp();

        var result = DryRun("--app", app.Path);

        Assert.AreEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, $"ok       app {app.Path}");
        // Both engines are checked: the default one for docker and docker-legacy, engine 28 (eng/env/up.sh starts it) for docker28.
        StringAssert.Contains(result.Output, "ok       Docker engine for docker, docker-legacy answers");
        StringAssert.Contains(result.Output, "ok       Docker engine for docker28 answers");
        foreach (var tool in Tools)
        {
            StringAssert.Contains(result.Output, $"-p:ContainerRepository=bench/{tool}-cold-N");
        }

        StringAssert.Contains(result.Output, "-p:ContainerizeBuilder=legacy");
        StringAssert.Contains(result.Output, "-p:ContainerizeBackend=daemonless -p:ContainerSbom=false -p:ContainerProvenance=false");
        // The bare tool is in the main part only: the memory runs are the docker and daemonless tools', as before.
        StringAssert.Matches(result.Output, new Regex("for: plain publish, docker, daemonless$", RegexOptions.Multiline));
        StringAssert.Contains(result.Output, "dry run: ready (nothing was built)");
    }

    [TestMethod]
    public void TheBenchmarkRunsTheToolsItIsGivenAndRefusesOthers()
    {
        TestEnvironment.RequireEngine();
        using var app = BenchmarkApp();

        var some = DryRun("--app", app.Path, "--only", "docker28,docker-legacy");
        var unknown = DryRun("--app", app.Path, "--only", "docker,docker29");

        Assert.AreEqual(0, some.ExitCode, some.Output);
        StringAssert.Contains(some.Output, "-p:ContainerRepository=bench/docker28-cold-N");
        StringAssert.Contains(some.Output, "-p:ContainerRepository=bench/docker-legacy-cold-N");
        Assert.IsFalse(some.Output.Contains("-p:ContainerRepository=bench/docker-cold-N", StringComparison.Ordinal), some.Output);
        Assert.IsFalse(some.Output.Contains("-p:ContainerRepository=bench/sdk-cold-N", StringComparison.Ordinal), some.Output);
        Assert.AreEqual(2, unknown.ExitCode, unknown.Output);
        StringAssert.Contains(unknown.Output, "unknown tool 'docker29'");
    }

    [TestMethod]
    public void TheBareToolIsNotAScaleBackend()
    {
        var bare = DryRun("--scale-backends", "daemonless-bare");

        Assert.AreEqual(2, bare.ExitCode, bare.Output);
        StringAssert.Contains(bare.Output, "--scale-backends: unknown backend 'daemonless-bare'");
    }

    /// <summary>An app of the benchmark app's shape: one web project whose Program.cs holds the string a code change edits.</summary>
    private static TemporaryFolder BenchmarkApp()
    {
        var app = new TemporaryFolder();
        File.WriteAllText(Path.Combine(app.Path, "App.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(app.Path, "Program.cs"), "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"Hello from Docker! \");\napp.Run();\n");
        return app;
    }

    private static ProcessResult DryRun(params string[] arguments) =>
        ProcessRunner.Run("bash", [Path.Combine(Repository.Root, "eng", "bench", "run.sh"), "--dry-run", .. arguments], Repository.Root,
            new Dictionary<string, string?>(), TimeSpan.FromMinutes(3));
}
