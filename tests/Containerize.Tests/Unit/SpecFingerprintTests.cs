using System.Text.RegularExpressions;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class SpecFingerprintTests
{
    private const string Tool = "1.0.0.0";

    private static ContainerSpec SpecFor(PublishFolder publish) => Resolution.Succeeds(Projects.Console("Shop")) with { Layers = publish.Plan("Shop") };

    private static string Fingerprint(PublishFolder publish) => SpecFingerprint.Compute(SpecFor(publish), Tool);

    [TestMethod]
    public void A_fingerprint_is_a_sha256_digest() =>
        Assert.MatchesRegex(new Regex("^sha256:[0-9a-f]{64}$"), SpecFingerprint.Compute(Resolution.Succeeds(Projects.Console()), Tool));

    [TestMethod]
    public void The_same_spec_and_files_give_the_same_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");

        Assert.AreEqual(Fingerprint(publish), Fingerprint(publish));
    }

    [TestMethod]
    public void The_same_files_in_another_folder_with_other_times_give_the_same_fingerprint()
    {
        using var first = PublishFolder.FrameworkDependent("Shop");
        using var second = PublishFolder.FrameworkDependent("Shop");
        File.SetLastWriteTimeUtc(second.FullPath("Shop.dll"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.AreEqual(Fingerprint(first), Fingerprint(second));
    }

    [TestMethod]
    public void One_byte_changed_in_a_file_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var before = Fingerprint(publish);
        var bytes = File.ReadAllBytes(publish.FullPath("Shop.dll"));
        bytes[^1] ^= 1;
        File.WriteAllBytes(publish.FullPath("Shop.dll"), bytes);

        Assert.AreNotEqual(before, Fingerprint(publish));
    }

    [TestMethod]
    public void A_renamed_file_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("a.txt", content: "same");
        var before = Fingerprint(publish);
        File.Move(publish.FullPath("a.txt"), publish.FullPath("b.txt"));

        Assert.AreNotEqual(before, Fingerprint(publish));
    }

    [TestMethod]
    public void A_file_moved_to_another_layer_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("Lib.dll");
        var spec = SpecFor(publish);
        var moved = spec with { Layers = publish.Plan("Shop").Select(layer => layer with { Name = layer.Name == "5-app" ? "2-packages" : layer.Name }).ToList() };

        Assert.AreNotEqual(SpecFingerprint.Compute(spec, Tool), SpecFingerprint.Compute(moved, Tool));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_file_becoming_executable_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var before = Fingerprint(publish);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(publish.FullPath("Shop"), File.GetUnixFileMode(publish.FullPath("Shop")) | UnixFileMode.UserExecute);
        }

        Assert.AreNotEqual(before, Fingerprint(publish));
    }

    [TestMethod]
    public void A_changed_spec_field_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var spec = SpecFor(publish);
        var fingerprint = SpecFingerprint.Compute(spec, Tool);

        ContainerSpec[] changed =
        [
            spec with { Tags = ["2.0.0"] },
            spec with { User = "app" },
            spec with { WorkingDirectory = "/srv" },
            spec with { Environment = [new("A", "1")] },
            spec with { Labels = [.. spec.Labels, new("b", "2")] },
            spec with { Ports = [new(8080, "tcp")] },
            spec with { Cmd = ["--verbose"] },
            spec with { BaseImage = spec.BaseImage with { Tag = "9.0" } },
            spec with { Registry = "ghcr.io/acme" },
        ];

        foreach (var other in changed)
        {
            Assert.AreNotEqual(fingerprint, SpecFingerprint.Compute(other, Tool), other.ToString());
        }
    }

    /// <summary>A value of the property's type other than <paramref name="current"/>; a type not known here fails, so a new kind of field is never missed.</summary>
    private static object? Changed(Type type, object? current, string file) => current switch
    {
        string text => text + "-changed",
        null when type == typeof(string) => "changed",
        bool flag => !flag,
        DateTimeOffset time => time.AddSeconds(1),
        ImageReference reference => reference with { Tag = "changed" },
        HealthCheck => new HealthCheck(["changed"], "1s", "", "", ""),
        null when type == typeof(HealthCheck) => new HealthCheck(["changed"], "", "", "", ""),
        IReadOnlyList<string> list => (IReadOnlyList<string>)[.. list, "changed"],
        IReadOnlyList<ContainerPort> ports => (IReadOnlyList<ContainerPort>)[.. ports, new ContainerPort(9999, "udp")],
        IReadOnlyList<KeyValuePair<string, string>> pairs => (IReadOnlyList<KeyValuePair<string, string>>)[.. pairs, new("CHANGED", "1")],
        IReadOnlyList<Layer> layers => (IReadOnlyList<Layer>)[.. layers, new Layer("files-9", [new LayerFile(file, "changed.txt")]) { Destination = "/changed" }],
        IReadOnlyList<RunCommandSetting> steps => (IReadOnlyList<RunCommandSetting>)[.. steps, new RunCommandSetting("true", false)],
        IReadOnlyList<PackageSetting> packages => (IReadOnlyList<PackageSetting>)[.. packages, new PackageSetting("curl", "")],
        IReadOnlyList<FileCopy> files => (IReadOnlyList<FileCopy>)[.. files, new FileCopy(file, "/changed/", "", null)],
        IReadOnlyList<BuildSecret> secrets => (IReadOnlyList<BuildSecret>)[.. secrets, new BuildSecret("changed", "PATH", "")],
        _ => throw new AssertFailedException($"no changed value for a {type.Name} here: add one, so that the fingerprint test covers the new field"),
    };

    [TestMethod]
    public void Every_spec_field_changed_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("extra.txt", content: "extra");
        var spec = SpecFor(publish);
        var before = SpecFingerprint.Compute(spec, Tool);
        var clone = typeof(ContainerSpec).GetMethod("<Clone>$")!;
        var fields = typeof(ContainerSpec).GetProperties().Where(property => property.SetMethod is not null && property.Name != "EqualityContract").ToList();

        Assert.IsGreaterThan(20, fields.Count);
        foreach (var field in fields)
        {
            var changed = (ContainerSpec)clone.Invoke(spec, null)!;
            field.SetValue(changed, Changed(field.PropertyType, field.GetValue(spec), publish.FullPath("extra.txt")));
            Assert.AreNotEqual(before, SpecFingerprint.Compute(changed, Tool), $"changing {field.Name} leaves the fingerprint as it was");
        }
    }

    [TestMethod]
    public void Another_tool_version_changes_the_fingerprint()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");

        Assert.AreNotEqual(SpecFingerprint.Compute(SpecFor(publish), "1.0.0.0"), SpecFingerprint.Compute(SpecFor(publish), "1.0.1.0"));
    }

    [TestMethod]
    public void A_secrets_id_source_and_mounts_are_fingerprinted_its_value_never_read()
    {
        var step = new RunCommandSetting("restore", false) { Secrets = ["token"] };
        var spec = Resolution.Succeeds(Projects.Console()) with { RunSteps = [step], BuildSecrets = [new BuildSecret("token", "CTZ_TEST_FINGERPRINT_TOKEN", "")] };
        Environment.SetEnvironmentVariable("CTZ_TEST_FINGERPRINT_TOKEN", "one");
        var first = SpecFingerprint.Compute(spec, Tool);
        Environment.SetEnvironmentVariable("CTZ_TEST_FINGERPRINT_TOKEN", "two");
        var second = SpecFingerprint.Compute(spec, Tool);
        Environment.SetEnvironmentVariable("CTZ_TEST_FINGERPRINT_TOKEN", null);

        Assert.AreEqual(first, second, "a new value alone builds nothing again");
        Assert.AreNotEqual(first, SpecFingerprint.Compute(spec with { BuildSecrets = [new BuildSecret("token", "OTHER_VARIABLE", "")] }, Tool));
        Assert.AreNotEqual(first, SpecFingerprint.Compute(spec with { RunSteps = [step with { Secrets = [] }] }, Tool));
    }
}
