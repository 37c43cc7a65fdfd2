using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Sockets;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.Layers;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// Links and special files in ContainerFile items and the publish output: links followed (the same regular files in
/// the staged context and in the daemonless layer), links that point nowhere or in a circle and FIFOs, sockets and
/// devices refused before anything is built — a FIFO never opened, so nothing waits for a writer.
/// </summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class LinksAndSpecialFilesTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private FileSetting Setting(string include, string destination) => new(work.Combine(include), include, destination, "", "");

    private static Diagnostic ResolveFails(string code, params FileSetting[] files) =>
        Resolution.FailsWith(code, Projects.Console(), new ContainerSettings { Files = files });

    private static ContainerizeException PlanFails(Action plan) => Assert.ThrowsExactly<ContainerizeException>(plan);

    private string MakeFifo(string relativePath)
    {
        var path = work.Combine(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode);
        return path;
    }

    private string Link(string relativePath, string target)
    {
        var path = work.Combine(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_FIFO_named_by_a_ContainerFile_is_CTZ1060_and_is_not_opened()
    {
        var fifo = MakeFifo("pipe");

        var error = ResolveFails("CTZ1060", Setting("pipe", "/etc/pipe"));

        Assert.AreEqual($"ContainerFile 'pipe': {fifo} is a FIFO (named pipe), which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).", error.Message);
    }

    [TestMethod]
    public void A_character_device_and_a_socket_are_CTZ1060()
    {
        var socketPath = work.Combine("app.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var errors = Resolution.FailsWithAll("CTZ1060", Projects.Console(), new ContainerSettings
        {
            Files = [new FileSetting("/dev/null", "/dev/null", "/opt/null", "", ""), Setting("app.sock", "/opt/app.sock")],
        });

        Assert.AreSequenceEqual(new[]
        {
            "ContainerFile '/dev/null': /dev/null is a character device, which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).",
            $"ContainerFile 'app.sock': {socketPath} is a socket, which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).",
        }, errors.Select(error => error.Message).ToArray());
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_link_to_a_FIFO_is_CTZ1060_naming_the_link()
    {
        MakeFifo("pipe");
        var link = Link("to-pipe", "pipe");

        var error = ResolveFails("CTZ1060", Setting("to-pipe", "/etc/pipe"));

        Assert.StartsWith($"ContainerFile 'to-pipe': {link} is a FIFO (named pipe), which Containerize does not read", error.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_ContainerDockerfile_that_is_a_FIFO_is_CTZ1060_one_that_is_a_folder_CTZ1040()
    {
        var fifo = MakeFifo("Dockerfile.pipe");
        Directory.CreateDirectory(work.Combine("docker"));

        var special = Resolution.FailsWith("CTZ1060", Projects.Console(), new ContainerSettings { Dockerfile = fifo });
        var folder = Resolution.FailsWith("CTZ1040", Projects.Console(), new ContainerSettings { Dockerfile = work.Combine("docker") });

        Assert.StartsWith($"ContainerDockerfile: {fifo} is a FIFO (named pipe), which Containerize does not read", special.Message);
        Assert.StartsWith($"ContainerDockerfile '{work.Combine("docker")}' does not exist.", folder.Message);
    }

    [TestMethod]
    public void A_link_that_points_nowhere_is_CTZ1061()
    {
        var link = Link("current.json", "v2/app.json");

        var error = ResolveFails("CTZ1061", Setting("current.json", "/etc/app.json"));

        Assert.AreEqual($"ContainerFile 'current.json': the symbolic link {link} points to {work.Combine("v2/app.json")}, which does not exist. Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.", error.Message);
    }

    [TestMethod]
    public void Links_that_point_at_each_other_are_CTZ1061()
    {
        var first = Link("loop1", "loop2");
        Link("loop2", "loop1");

        var error = ResolveFails("CTZ1061", Setting("loop1", "/etc/loop"));

        Assert.AreEqual($"ContainerFile 'loop1': the symbolic link {first} points in a circle (to itself, through other links). Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.", error.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_FIFO_and_a_dangling_link_inside_a_ContainerFile_folder_are_refused_when_the_layers_are_planned()
    {
        work.WriteFile("scripts/run.sh", "#!/bin/sh\n");
        var fifo = MakeFifo("scripts/logs/pipe");
        var copy = new FileCopy(work.Combine("scripts"), "/opt/scripts/", "", null);

        var special = PlanFails(() => LayerPlanner.PlanFiles([copy]));
        File.Delete(fifo);
        var link = Link("scripts/logs/latest", "nowhere.log");
        var dangling = PlanFails(() => LayerPlanner.PlanFiles([copy]));

        Assert.AreEqual("CTZ1060", special.Diagnostic.Code);
        Assert.StartsWith($"ContainerFile '{work.Combine("scripts")}': {fifo} is a FIFO (named pipe)", special.Diagnostic.Message);
        Assert.AreEqual("CTZ1061", dangling.Diagnostic.Code);
        Assert.StartsWith($"ContainerFile '{work.Combine("scripts")}': the symbolic link {link} points to {work.Combine("scripts/logs/nowhere.log")}, which does not exist.", dangling.Diagnostic.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_link_to_a_folder_that_holds_it_is_CTZ1061_not_an_endless_walk()
    {
        work.WriteFile("scripts/lib/helper.sh", "#!/bin/sh\n");
        var link = Link("scripts/lib/up", "..");

        var error = PlanFails(() => LayerPlanner.PlanFiles([new FileCopy(work.Combine("scripts"), "/opt/scripts/", "", null)]));

        Assert.AreEqual($"ContainerFile '{work.Combine("scripts")}': the symbolic link {link} points in a circle (to {work.Combine("scripts")}, a folder that holds the link). Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.", error.Diagnostic.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_FIFO_in_the_publish_output_is_CTZ1060()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var fifo = publish.FullPath("trace.pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var error = PlanFails(() => publish.Plan("Shop"));

        Assert.AreEqual($"The publish output {publish.Path}: {fifo} is a FIFO (named pipe), which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).", error.Diagnostic.Message);
    }

    [TestMethod]
    public void Links_are_followed_the_same_way_in_the_staged_context_and_in_the_daemonless_layer()
    {
        work.WriteFile("shared/ca.crt", "certificate\n");
        work.WriteFile("config/v2/app.json", "{\"v\":2}\n");
        Link("config/current.json", "v2/app.json");
        Link("bundle/ca.crt", "../shared/ca.crt");
        Link("bundle/configs", "../config/v2");
        work.WriteFile("bundle/readme.txt", "read me\n");
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            Files = [Setting("config/current.json", "/etc/app/"), Setting("bundle", "/opt/bundle")],
        }), BaseImages.DotNet());
        spec = spec with { FileLayers = LayerPlanner.PlanFiles(spec.Files) };
        var context = work.Combine("context");

        ContextStager.Stage(spec, context);
        var layer = LayerWriter.Write(spec.FileLayers[1], "/app", work.Combine("bundle.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);

        Assert.AreEqual("{\"v\":2}\n", File.ReadAllText(Path.Combine(context, "layers/files-1/current.json")), "a named link brings its target under the link's name");
        var staged = Directory.EnumerateFiles(Path.Combine(context, "layers/files-2"), "*", SearchOption.AllDirectories)
            .Select(path => (Name: Path.GetRelativePath(Path.Combine(context, "layers/files-2"), path), Content: File.ReadAllText(path), IsLink: new FileInfo(path).LinkTarget is not null))
            .Order().ToArray();
        Assert.AreSequenceEqual(new[] { ("ca.crt", "certificate\n", false), ("configs/app.json", "{\"v\":2}\n", false), ("readme.txt", "read me\n", false) }, staged);
        Assert.AreSequenceEqual(new[] { ("opt/bundle/ca.crt", TarEntryType.RegularFile, "certificate\n"), ("opt/bundle/configs/", TarEntryType.Directory, ""), ("opt/bundle/configs/app.json", TarEntryType.RegularFile, "{\"v\":2}\n"), ("opt/bundle/readme.txt", TarEntryType.RegularFile, "read me\n") },
            Entries(layer.Path));
    }

    [TestMethod]
    public void A_folder_that_cannot_be_read_is_CTZ2023()
    {
        var file = work.WriteFile("publish", "a file where the publish folder should be");

        var error = PlanFails(() => LayerPlanner.Plan(file, "Shop", new Dictionary<string, PublishedFileOrigin>()));

        Assert.AreEqual($"{file}, a folder the image is made of (from the publish output or a ContainerFile item), could not be read: Could not find a part of the path '{file}'. Check that it exists and may be read (another build may have replaced it meanwhile), then publish again.", error.Diagnostic.Message);
    }

    [TestMethod]
    public async Task A_project_folder_is_copied_without_its_containerize_folder()
    {
        work.WriteFile("project/app.json", "{}");
        work.WriteFile("project/obj/containerize/layers/files-1/app.json", "{}");
        using var held = await Containerize.FileSystem.RunLock.AcquireAsync(work.Combine("project/obj/containerize"), new RecordingBuildLog(), TimeSpan.FromSeconds(1), CancellationToken.None);
        work.WriteFile("other/obj/containerize/.containerize.lock", "");
        work.WriteFile("other/obj/containerize/Dockerfile", "FROM x");

        var layers = LayerPlanner.PlanFiles([new FileCopy(work.Combine("project"), "/src/", "", null), new FileCopy(work.Combine("other"), "/other/", "", null)]);

        Assert.AreSequenceEqual(new[] { "app.json" }, layers[0].Files.Select(file => file.RelativePath).ToArray());
        Assert.IsEmpty(layers[1].Files, "the other project's containerize folder is left out too");
    }

    private static (string Name, TarEntryType Type, string Content)[] Entries(string layerPath)
    {
        using var gzip = new GZipStream(File.OpenRead(layerPath), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        var entries = new List<(string, TarEntryType, string)>();
        while (reader.GetNextEntry() is { } entry)
        {
            entries.Add((entry.Name, entry.EntryType, entry.DataStream is null ? "" : new StreamReader(entry.DataStream).ReadToEnd()));
        }

        return entries.ToArray();
    }
}
