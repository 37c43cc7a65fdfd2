namespace Containerize.Tests.Infrastructure;

/// <summary>
/// How eng/test.sh shares the tests between its two passes, which run side by side: the first (Docker Engine 20.10)
/// runs everything but <see cref="Engine28Pass"/>; the second (Docker Engine 28) runs the tests of category Engine
/// again and those of <see cref="Engine28Pass"/>, so the two take about as long.
/// </summary>
public static class TestPasses
{
    /// <summary>
    /// Integration tests that do not depend on the pass's engine (daemonless, a BuildKit daemon, MSBuild wiring, or
    /// every backend with engine 28), run in the engine-28 pass to balance the passes.
    /// </summary>
    public const string Engine28Pass = "Engine28Pass";
}
