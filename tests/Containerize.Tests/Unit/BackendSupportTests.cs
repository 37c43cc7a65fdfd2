using System.Reflection;
using Containerize.Spec;

namespace Containerize.Tests.Unit;

/// <summary>
/// Every property of the image spec, with how each backend treats it: honoured — and then compared across backends by
/// the parity matrix (Integration/BackendParityTests) or by the test named — or rejected with a CTZ code before anything
/// is built. A property added to <see cref="ContainerSpec"/> fails this test until its row says what each backend does,
/// so no backend can drop a setting without a word.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BackendSupportTests
{
    private const string Parity = "honoured: BackendParityTests";

    /// <summary>Property → (engine: BuildKit and legacy builder, daemonless, BuildKit daemon).</summary>
    public static readonly IReadOnlyDictionary<string, (string Engine, string Daemonless, string BuildKitDaemon)> Table =
        new Dictionary<string, (string, string, string)>
        {
            [nameof(ContainerSpec.BaseImage)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Registry)] = ("honoured: PushTests", "honoured: DaemonlessTests", "honoured: BuildKitDaemonTests"),
            [nameof(ContainerSpec.Repository)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Tags)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.WorkingDirectory)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.User)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Ports)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.PortsFromBaseImage)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Environment)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Labels)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Entrypoint)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Cmd)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Layers)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.RunSteps)] = ("honoured: BuildStepTests", "rejected: CTZ2012", "honoured: BuildKitDaemonTests"),
            [nameof(ContainerSpec.Packages)] = ("honoured: BuildStepTests", "rejected: CTZ2012", "honoured with ContainerPackageManager, else rejected: CTZ2014"),
            [nameof(ContainerSpec.PackageManager)] = ("honoured: BuildStepTests", "rejected with Packages: CTZ2012", "honoured: its Dockerfile line (DockerfileWriterTests)"),
            [nameof(ContainerSpec.BuildNetwork)] = ("honoured: BuildStepTests", "nothing to run (no RUN step is accepted)", "honoured: force-network-mode (BuildKitSolveRequestTests)"),
            [nameof(ContainerSpec.HealthCheck)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.WritableDirectories)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Files)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.FileLayers)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Dockerfile)] = ("honoured: OwnDockerfileTests", "rejected: CTZ2012", "honoured: the frontend builds it"),
            [nameof(ContainerSpec.BuildArgs)] = ("honoured: OwnDockerfileTests", "rejected with Dockerfile: CTZ2012", "honoured: build-arg:* (BuildKitSolveRequestTests)"),
            [nameof(ContainerSpec.BuildSecrets)] = ("honoured by BuildKit: BuildSecretTests; the legacy builder rejects: CTZ1049", "rejected: CTZ1049", "honoured: BuildKitDaemonTests"),
            [nameof(ContainerSpec.RuntimeIdentifiers)] = ("one: honoured; several rejected: CTZ1029", "honoured: DaemonlessTests (an index)", "one: honoured; several rejected: CTZ1054"),
            [nameof(ContainerSpec.LabelBaseDigest)] = (Parity, Parity, Parity),
            [nameof(ContainerSpec.Created)] = (
                "honoured in the created label (the config's created is the engine's build time): MSBuildWiringTests",
                "honoured: the config's created and the label (MSBuildWiringTests)",
                "honoured in the created label (the config's created is SOURCE_DATE_EPOCH's, else 0, as its file times): MSBuildWiringTests"),
        };

    [TestMethod]
    public void Every_spec_property_says_what_each_backend_does_with_it()
    {
        var properties = typeof(ContainerSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetMethod is not null && !property.GetMethod.IsStatic && property.Name != "EqualityContract")
            .Select(property => property.Name)
            .Where(name => typeof(ContainerSpec).GetProperty(name)!.GetSetMethod() is not null)
            .ToList();

        var missing = properties.Except(Table.Keys).ToList();
        Assert.AreEqual(0, missing.Count,
            $"ContainerSpec has {string.Join(", ", missing)}, which the backend support table does not list: say what each backend does with it (honoured, with the test that compares it, or rejected with its CTZ code before building).");
        Assert.AreEqual(0, Table.Keys.Except(properties).Count(), "the table lists properties ContainerSpec no longer has");
    }

    [TestMethod]
    public void Every_entry_is_honoured_with_a_test_or_rejected_with_a_code()
    {
        foreach (var (property, (engine, daemonless, buildKit)) in Table)
        {
            foreach (var entry in new[] { engine, daemonless, buildKit })
            {
                Assert.IsTrue(entry.StartsWith("honoured", StringComparison.Ordinal) || entry.Contains("CTZ", StringComparison.Ordinal) || entry.StartsWith("nothing", StringComparison.Ordinal),
                    $"{property}: '{entry}' neither honours nor rejects");
            }
        }
    }
}
