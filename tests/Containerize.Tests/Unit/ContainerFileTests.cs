using System.Formats.Tar;
using System.IO.Compression;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Layers;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>ContainerFile items: validation, their layers, their COPY lines, their context and their daemonless tar entries.</summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContainerFileTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private FileSetting Setting(string include, string destination, string owner = "", string mode = "") =>
        new(work.Combine(include), include, destination, owner, mode);

    private static ContainerSpec Resolve(params FileSetting[] files)
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { Files = files });
        return BaseImageCompletion.Complete(spec with { FileLayers = LayerPlanner.PlanFiles(spec.Files) }, BaseImages.DotNet());
    }

    [TestMethod]
    public void A_missing_file_is_CTZ1037()
    {
        var message = Resolution.FailsWith("CTZ1037", Projects.Console(), new ContainerSettings { Files = [Setting("nope.txt", "/etc/nope.txt")] }).Message;

        Assert.AreEqual($"ContainerFile 'nope.txt' does not exist (looked for {work.Combine("nope.txt")}). Name a file or folder of the project (relative to the project folder) or an absolute path.", message);
    }

    [TestMethod]
    [DataRow("etc/app.json", "", "", "Destination 'etc/app.json'; it must be an absolute path other than '/'")]
    [DataRow("/", "", "", "Destination '/'; it must be an absolute path other than '/'")]
    [DataRow("/etc/my app.json", "", "", "Destination '/etc/my app.json'; it must be an absolute path")]
    [DataRow("/etc/app.json", "app user", "", "Owner 'app user'; it must be a user[:group], by name or number (for example: 1654 or app:app).")]
    [DataRow("/etc/app.json", "", "rw-r--r--", "Mode 'rw-r--r--'; it must be octal permission bits such as 0644, 0600 or 0755.")]
    [DataRow("/etc/app.json", "", "0888", "Mode '0888'; it must be octal")]
    [DataRow("/etc/app.json", "", "4755", "Mode '4755'; it must be octal")]
    public void Bad_metadata_is_CTZ1038(string destination, string owner, string mode, string expected)
    {
        work.WriteFile("app.json", "{}");

        var message = Resolution.FailsWith("CTZ1038", Projects.Console(), new ContainerSettings { Files = [Setting("app.json", destination, owner, mode)] }).Message;

        Assert.StartsWith("ContainerFile 'app.json' has " + expected, message);
    }

    [TestMethod]
    public void Files_are_grouped_by_destination_folder_and_owner_in_the_order_given()
    {
        work.WriteFile("app.json", "{}");
        work.WriteFile("notes.txt", "n");
        work.WriteFile("scripts/setup.sh", "s");
        work.WriteFile("scripts/lib/helper.sh", "h");

        var layers = Resolve(
            Setting("app.json", "/etc/ctz/settings.json", "1654", "0640"),
            Setting("scripts", "/opt/ctz", mode: "755"),
            Setting("notes.txt", "/etc/ctz/", "1654")).FileLayers;

        Assert.AreSequenceEqual(new[] { "files-1 /etc/ctz 1654", "files-2 /opt/ctz " }, layers.Select(layer => $"{layer.Name} {layer.Destination} {layer.Owner}").ToArray());
        Assert.AreSequenceEqual(new[] { "notes.txt:", "settings.json:416" }, layers[0].Files.Select(file => $"{file.RelativePath}:{(int?)file.Mode}").ToArray());
        Assert.AreSequenceEqual(new[] { "lib/helper.sh:493", "setup.sh:493" }, layers[1].Files.Select(file => $"{file.RelativePath}:{(int?)file.Mode}").ToArray());
    }

    [TestMethod]
    public void Two_files_at_one_path_are_CTZ1039()
    {
        work.WriteFile("a/app.json", "a");
        work.WriteFile("b/app.json", "b");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve(Setting("a/app.json", "/etc/ctz/"), Setting("b/app.json", "/etc/ctz/app.json")));

        Assert.AreEqual("CTZ1039", exception.Diagnostic.Code);
        Assert.AreEqual("Two ContainerFile items put different files at /etc/ctz/app.json in the image. Give one of them another Destination.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void The_files_are_copied_after_the_packages_and_before_the_run_steps_and_writable_folders_without_USER_root_when_nothing_runs()
    {
        work.WriteFile("app.json", "{}");
        var withSteps = Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            Files = [Setting("app.json", "/etc/ctz/", "1654:1654")],
            Packages = [new PackageSetting("curl", "")],
            PackageManager = "apk",
            RunCommands = [new RunCommandSetting("update-ca-certificates", false)],
            WritableDirectories = ["/app/data"],
        });
        var spec = BaseImageCompletion.Complete(withSteps with { FileLayers = LayerPlanner.PlanFiles(withSteps.Files) }, BaseImages.DotNet());

        Assert.AreSequenceEqual(new[]
        {
            "USER root",
            "WORKDIR /app",
            "RUN apk add --no-cache curl",
            "COPY --chown=1654:1654 layers/files-1/ /etc/ctz/",
            "RUN update-ca-certificates",
            "COPY --chown=1654 layers/empty/ /app/data/",
        }, DockerfileWriter.Write(spec).Split('\n')[2..8]);
        var withoutSteps = DockerfileWriter.Write(Resolve(Setting("app.json", "/etc/ctz/")) with { WritableDirectories = ["/app/data"] }).Split('\n');
        Assert.AreSequenceEqual(new[] { "WORKDIR /app", "COPY layers/files-1/ /etc/ctz/", "COPY --chown=1654 layers/empty/ /app/data/" }, withoutSteps[2..5]);
        Assert.AreEqual(1, withoutSteps.Count(line => line.StartsWith("WORKDIR ", StringComparison.Ordinal)), "the app folder is made once, first");
    }

    [TestMethod]
    public void The_context_holds_each_file_with_its_mode()
    {
        var settings = work.WriteFile("app.json", "{}");
        File.SetUnixFileMode(settings, (UnixFileMode)0b111_111_111);
        var spec = Resolve(Setting("app.json", "/etc/ctz/settings.json", mode: "0600"));
        var context = work.Combine("context");

        ContextStager.Stage(spec, context);

        var staged = Path.Combine(context, "layers", "files-1", "settings.json");
        Assert.AreEqual("{}", File.ReadAllText(staged));
        Assert.AreEqual((UnixFileMode)0b110_000_000, File.GetUnixFileMode(staged));
        Assert.AreEqual((UnixFileMode)0b111_111_111, File.GetUnixFileMode(settings), "the project's file is left as it is");
    }

    [TestMethod]
    public void A_daemonless_layer_adds_what_is_under_its_destination_with_its_owner_and_modes()
    {
        work.WriteFile("scripts/setup.sh", "s");
        work.WriteFile("scripts/lib/helper.sh", "h");
        var layer = Resolve(Setting("scripts", "/opt/ctz", "1654:42", "0750")).FileLayers.Single();

        var entries = Entries(LayerWriter.Write(layer, "/app", work.Combine("files.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip).Path);

        Assert.AreSequenceEqual(new[] { "opt/ctz/lib/ 755 1654:42", "opt/ctz/lib/helper.sh 750 1654:42", "opt/ctz/setup.sh 750 1654:42" }, entries);
    }

    [TestMethod]
    public void A_daemonless_writable_folder_is_the_folder_itself_owned_by_the_app_user()
    {
        var spec = Resolve() with { WritableDirectories = ["/var/lib/ctz"] };

        var entries = Entries(LayerWriter.Write(spec.WritableDirectoryLayers.Single(), "/app", work.Combine("writable.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip).Path);

        Assert.AreSequenceEqual(new[] { "var/lib/ctz/ 755 1654:1654" }, entries);
    }

    [TestMethod]
    [DataRow("", true)]
    [DataRow("1654", true)]
    [DataRow("1654:42", true)]
    [DataRow("app", false)]
    [DataRow("1654:app", false)]
    public void Only_numeric_owners_can_be_written_into_a_layer(string owner, bool numeric) =>
        Assert.AreEqual(numeric, LayerWriter.IsNumericOwner(owner));

    private static string[] Entries(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add($"{entry.Name} {Convert.ToString((int)entry.Mode, 8)} {entry.Uid}:{entry.Gid}");
        }

        return entries.ToArray();
    }
}
