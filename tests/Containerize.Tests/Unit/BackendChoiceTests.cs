using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Pipeline;

namespace Containerize.Tests.Unit;

/// <summary>
/// The backend choice as a table: each row the facts of a run and what it gets — the backend (with the engine a
/// daemonless image is loaded into, and whether a silent engine found by looking hands over to daemonless) or the
/// configuration error. docs/properties.md ("Backends") states the same rule.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BackendChoiceTests
{
    private static readonly DockerEndpoint Found = new(new Uri("unix:///var/run/docker.sock"), "the default socket", IsConfigured: false);
    private static readonly DockerEndpoint Configured = new(new Uri("tcp://127.0.0.1:2376"), "DOCKER_HOST", IsConfigured: true);

    private static string Outcome(BackendFacts facts)
    {
        try
        {
            var decision = BackendChoice.Choose(facts);
            return decision.Kind
                + (decision.LoadInto is null ? "" : $", load into {decision.LoadInto.Source}")
                + (decision.DaemonlessWhenEngineSilent ? ", daemonless if it is silent" : "");
        }
        catch (ContainerizeException exception)
        {
            return exception.Diagnostic.Code;
        }
    }

    [TestMethod]
    //      backend       BuildKit host  platforms  push   archive  oci    endpoint      outcome
    [DataRow("", false, 1, true, false, false, "none", "Daemonless")]
    [DataRow("", false, 1, false, true, false, "none", "Daemonless")]
    [DataRow("", false, 1, false, false, false, "none", "CTZ1019")]
    [DataRow("", false, 1, false, false, false, "found", "Engine")]
    [DataRow("auto", false, 1, true, false, false, "found", "Engine, daemonless if it is silent")]
    [DataRow("", false, 1, false, true, false, "found", "Engine, daemonless if it is silent")]
    [DataRow("", false, 1, true, false, false, "configured", "Engine")]
    [DataRow(" Docker ", false, 1, true, false, false, "configured", "Engine")]
    [DataRow("docker", false, 1, true, false, false, "found", "Engine")]
    [DataRow("", false, 1, false, true, true, "found", "Daemonless")]
    [DataRow("docker", false, 1, false, true, true, "configured", "CTZ1031")]
    [DataRow("daemonless", false, 1, false, false, false, "found", "Daemonless, load into the default socket")]
    [DataRow("daemonless", false, 1, true, false, false, "found", "Daemonless")]
    [DataRow("daemonless", false, 1, false, true, false, "configured", "Daemonless")]
    [DataRow("daemonless", false, 1, false, false, false, "none", "CTZ1019")]
    [DataRow("", true, 1, true, false, false, "found", "BuildKitDaemon")]
    [DataRow("buildkit", true, 1, true, false, false, "none", "BuildKitDaemon")]
    [DataRow("", true, 2, true, false, false, "none", "BuildKitDaemon")]
    [DataRow("", false, 2, true, false, false, "none", "Daemonless")]
    [DataRow("daemonless", false, 2, false, true, true, "none", "Daemonless")]
    [DataRow("", false, 2, false, true, false, "none", "CTZ1029")]
    [DataRow("", false, 2, false, false, false, "none", "CTZ1029")]
    [DataRow("docker", false, 2, true, false, false, "none", "CTZ1029")]
    public void Each_run_gets_its_backend(string backend, bool buildKitHost, int platforms, bool push, bool archive, bool oci, string endpoint, string outcome)
    {
        var found = endpoint switch { "found" => Found, "configured" => Configured, _ => null };

        Assert.AreEqual(outcome, Outcome(new BackendFacts(backend, buildKitHost, platforms, push, archive, oci, found)));
    }

    [TestMethod]
    [DataRow("", false, 1, true)]
    [DataRow("docker", false, 1, true)]
    [DataRow("daemonless", false, 1, true)]
    [DataRow("", false, 2, false)]
    [DataRow("", true, 1, false)]
    [DataRow(" BuildKit ", true, 1, false)]
    public void The_engine_endpoint_is_resolved_only_when_the_choice_needs_it(string backend, bool buildKitHost, int platforms, bool needed) =>
        Assert.AreEqual(needed, BackendChoice.NeedsEndpoint(backend, buildKitHost, platforms));
}
