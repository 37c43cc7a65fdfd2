using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Lock;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// How a build uses containerize.lock.json (before any engine or registry): a locked base is pinned to its digest, a
/// base the lock lacks is a warning (the tag is used) or, in locked mode, an error, as is a missing lock.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class LockedBasesTests
{
    private const string Path = "/src/app/containerize.lock.json";
    private const string Base = "localhost:5000/ctz-lock-test/base:1";

    private static string Digest(char digit) => "sha256:" + new string(digit, 64);

    private static BaseImageLock Lock(params (string Reference, char Digit)[] entries) => new(entries.ToDictionary(
        entry => entry.Reference,
        entry => new LockedBase(Digest(entry.Digit), new Dictionary<string, string> { ["linux/amd64"] = Digest('f'), ["linux/arm64/v8"] = Digest('e') })));

    private static ContainerSpec Spec(string baseImage = Base, string runtimeIdentifiers = "") =>
        Resolution.Succeeds(Projects.Console(), new ContainerSettings { BaseImage = baseImage, RuntimeIdentifiers = runtimeIdentifiers });

    private static string Label(ContainerSpec spec, string name) => spec.Labels.Single(label => label.Key == "org.opencontainers.image." + name).Value;

    [TestMethod]
    public void Without_a_lock_file_the_spec_is_unchanged()
    {
        var spec = Spec();
        var diagnostics = new List<Diagnostic>();

        var (applied, pinned) = LockedBases.Apply(spec, null, Path, lockedMode: false, diagnostics)!.Value;

        Assert.AreSame(spec, applied);
        Assert.IsEmpty(pinned);
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void A_locked_base_is_used_by_its_digest_and_the_base_name_label_keeps_the_tag()
    {
        var diagnostics = new List<Diagnostic>();

        var (spec, pinned) = LockedBases.Apply(Spec(), Lock((Base, 'a')), Path, lockedMode: false, diagnostics)!.Value;

        Assert.AreEqual($"{Base}@{Digest('a')}", spec.BaseImage.ToString());
        Assert.AreEqual(Base, Label(spec, "base.name"));
        Assert.AreEqual(Base, pinned.Single().Project.ToString());
        Assert.AreEqual(spec.BaseImage, pinned.Single().Pinned);
        Assert.IsEmpty(diagnostics);
        Assert.Contains($"\nFROM {Base}@{Digest('a')}\n", "\n" + DockerfileWriter.Write(spec with { User = "1000" }));
    }

    [TestMethod]
    public void A_changed_lock_changes_the_fingerprint_and_an_unchanged_one_does_not()
    {
        ContainerSpec Pinned(char digit) => LockedBases.Apply(Spec(), Lock((Base, digit)), Path, lockedMode: false, [])!.Value.Spec;

        Assert.AreNotEqual(SpecFingerprint.Compute(Spec(), "1"), SpecFingerprint.Compute(Pinned('a'), "1"));
        Assert.AreNotEqual(SpecFingerprint.Compute(Pinned('a'), "1"), SpecFingerprint.Compute(Pinned('b'), "1"));
        Assert.AreEqual(SpecFingerprint.Compute(Pinned('a'), "1"), SpecFingerprint.Compute(Pinned('a'), "1"));
    }

    [TestMethod]
    public void A_base_the_lock_lacks_is_CTZ1081_a_warning_and_the_tag_is_used()
    {
        var diagnostics = new List<Diagnostic>();
        var spec = Spec("localhost:5000/ctz-lock-test/base:2");

        var (applied, pinned) = LockedBases.Apply(spec, Lock((Base, 'a')), Path, lockedMode: false, diagnostics)!.Value;

        Assert.AreSame(spec, applied);
        Assert.IsEmpty(pinned);
        var warning = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ1081", warning.Code);
        Assert.AreEqual(Severity.Warning, warning.Severity);
        Assert.AreEqual($"The base-image lock {Path} has no entry for localhost:5000/ctz-lock-test/base:2 (it locks {Base}), so that base is used by tag, unlocked. Run 'dotnet build -t:UpdateContainerLock' to lock it.", warning.Message);
    }

    [TestMethod]
    public void In_locked_mode_a_base_the_lock_lacks_is_CTZ1080_naming_the_project_s_reference_and_the_lock_s()
    {
        var diagnostics = new List<Diagnostic>();

        var result = LockedBases.Apply(Spec("localhost:5000/ctz-lock-test/base:2"), Lock((Base, 'a'), ("localhost:5000/other:1", 'b')), Path, lockedMode: true, diagnostics);

        Assert.IsNull(result);
        var error = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ1080", error.Code);
        Assert.AreEqual(Severity.Error, error.Severity);
        Assert.AreEqual($"ContainerLockedMode is true, and the base-image lock {Path} has no entry for localhost:5000/ctz-lock-test/base:2, which the project builds from; it locks {Base} and localhost:5000/other:1. "
            + "The project's base changed and the lock did not: run 'dotnet build -t:UpdateContainerLock' (without ContainerLockedMode) and commit containerize.lock.json.", error.Message);
    }

    [TestMethod]
    public void In_locked_mode_a_locked_base_is_pinned_as_without_it()
    {
        var diagnostics = new List<Diagnostic>();

        var (spec, _) = LockedBases.Apply(Spec(), Lock((Base, 'a')), Path, lockedMode: true, diagnostics)!.Value;

        Assert.AreEqual(Digest('a'), spec.BaseImage.Digest);
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void In_locked_mode_no_lock_file_is_CTZ1083()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.IsNull(LockedBases.Apply(Spec(), null, Path, lockedMode: true, diagnostics));

        var error = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ1083", error.Code);
        Assert.StartsWith($"ContainerLockedMode is true, and there is no base-image lock at {Path} (ContainerLockFile) for {Base}.", error.Message);
    }

    [TestMethod]
    public void A_base_named_by_digest_is_its_own_lock_and_needs_no_entry_even_in_locked_mode()
    {
        var diagnostics = new List<Diagnostic>();
        var spec = Spec($"{Base}@{Digest('9')}");

        Assert.AreSame(spec, LockedBases.Apply(spec, Lock(("localhost:5000/other:1", 'b')), Path, lockedMode: true, diagnostics)!.Value.Spec);
        Assert.AreSame(spec, LockedBases.Apply(spec, null, Path, lockedMode: true, diagnostics)!.Value.Spec);
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void A_RID_whose_platform_the_locked_base_lacks_is_CTZ1084()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.IsNull(LockedBases.Apply(Spec(runtimeIdentifiers: "linux-x64;linux-arm"), Lock((Base, 'a')), Path, lockedMode: false, diagnostics));

        var error = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ1084", error.Code);
        Assert.StartsWith($"The base image {Base} as locked in {Path} has no image for linux/arm/v7 (ContainerRuntimeIdentifiers); the lock records linux/amd64, linux/arm64/v8.", error.Message);
    }

    [TestMethod]
    public void RIDs_the_locked_base_has_pass_the_variant_compared_as_a_base_s_platform_is_chosen()
    {
        var diagnostics = new List<Diagnostic>();

        Assert.IsNotNull(LockedBases.Apply(Spec(runtimeIdentifiers: "linux-x64;linux-arm64"), Lock((Base, 'a')), Path, lockedMode: false, diagnostics));
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void Each_FROM_image_of_the_user_s_Dockerfile_is_pinned_and_stages_arguments_and_scratch_are_left_as_written()
    {
        const string dockerfile = "ARG TOOL=busybox:1\r\nFROM localhost:5000/sdk:10.0 AS build\nRUN make\nFROM $TOOL AS tool\nFROM build AS test\nFROM scratch AS empty\nFROM --platform=linux/amd64 localhost:5000/ctz-lock-test/base:1\nCOPY --from=build /out /app\n";
        var spec = Spec() with { Dockerfile = dockerfile };
        var diagnostics = new List<Diagnostic>();

        var (applied, pinned) = LockedBases.Apply(spec, Lock((Base, 'a'), ("localhost:5000/sdk:10.0", 'b')), Path, lockedMode: true, diagnostics)!.Value;

        Assert.AreEqual(
            $"ARG TOOL=busybox:1\r\nFROM localhost:5000/sdk:10.0@{Digest('b')} AS build\nRUN make\nFROM $TOOL AS tool\nFROM build AS test\nFROM scratch AS empty\nFROM --platform=linux/amd64 {Base}@{Digest('a')}\nCOPY --from=build /out /app\n",
            applied.Dockerfile);
        CollectionAssert.AreEqual(new[] { "localhost:5000/sdk:10.0", Base }, pinned.Select(pin => pin.Project.ToString()).ToArray());
        CollectionAssert.AreEqual(new[] { $"localhost:5000/sdk:10.0@{Digest('b')}", $"{Base}@{Digest('a')}" }, DockerfileBases.Find(applied.Dockerfile!).Select(reference => reference.ToString()).ToArray());
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void In_locked_mode_each_FROM_image_must_be_in_the_lock()
    {
        var spec = Spec() with { Dockerfile = "FROM localhost:5000/sdk:10.0 AS build\nFROM localhost:5000/ctz-lock-test/base:1\n" };
        var diagnostics = new List<Diagnostic>();

        Assert.IsNull(LockedBases.Apply(spec, Lock((Base, 'a')), Path, lockedMode: true, diagnostics));

        Assert.Contains("has no entry for localhost:5000/sdk:10.0, which the project builds from", Assert.ContainsSingle(diagnostics).Message);
    }

    [TestMethod]
    public void The_engine_knows_a_pinned_base_by_repository_and_digest()
    {
        var pinned = ImageReference.TryParse($"{Base}@{Digest('a')}")!;

        Assert.AreEqual($"localhost:5000/ctz-lock-test/base@{Digest('a')}", Containerize.Backends.EngineImages.EngineName(pinned));
        Assert.AreEqual(Base, Containerize.Backends.EngineImages.EngineName(ImageReference.TryParse(Base)!));
    }
}
