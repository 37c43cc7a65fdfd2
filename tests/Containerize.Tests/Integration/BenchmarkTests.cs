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
    [TestMethod]
    public void TheBenchmarkStarts()
    {
        TestEnvironment.RequireEngine();
        using var app = new TemporaryFolder();
        File.WriteAllText(Path.Combine(app.Path, "App.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(app.Path, "Program.cs"), "var app = WebApplication.Create(args);\napp.MapGet(\"/\", () => \"Hello from Docker! \");\napp.Run();\n");

        var result = ProcessRunner.Run("bash", [Path.Combine(Repository.Root, "eng", "bench", "run.sh"), "--dry-run", "--app", app.Path], Repository.Root,
            new Dictionary<string, string?>(), TimeSpan.FromMinutes(3));

        Assert.AreEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, $"ok       app {app.Path}");
        StringAssert.Contains(result.Output, "dry run: ready (nothing was built)");
    }
}
