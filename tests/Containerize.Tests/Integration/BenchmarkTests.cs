using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>The benchmark (eng/bench) is not run by CI, only checked to start: its prerequisites and plan, nothing built.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class BenchmarkTests
{
    [TestMethod]
    public void TheBenchmarkStarts()
    {
        TestEnvironment.RequireEngine();

        var result = ProcessRunner.Run("bash", [Path.Combine(Repository.Root, "eng", "bench", "run.sh"), "--dry-run"], Repository.Root,
            new Dictionary<string, string?>(), TimeSpan.FromMinutes(3));

        Assert.AreEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, "dry run: ready (nothing was built)");
    }
}
