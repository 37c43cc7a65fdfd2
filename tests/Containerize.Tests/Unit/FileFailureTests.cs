using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Dockerfile;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Oci;
using Containerize.Pipeline;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// File-system failures in the middle of a run are CTZ errors that say what was being done, cleanup after them never
/// replaces them, and what an earlier run left damaged is made again rather than trusted.
/// </summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class FileFailureTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private Layer AppLayer(params string[] files) =>
        new(LayerPlanner.App, files.Select(file => new LayerFile(work.WriteFile("publish/" + file, file), file)).ToList());

    /// <summary>What .NET says when a file is created where a folder is: the reason the errors carry.</summary>
    private static string CreateFails(string path) =>
        Assert.Throws<Exception>(() => new FileStream(path, FileMode.CreateNew, FileAccess.Write).Dispose()).Message;

    [TestMethod]
    public void A_layer_that_cannot_be_written_is_CTZ2021_and_the_failed_cleanup_of_its_partial_file_does_not_hide_that()
    {
        var layers = work.Combine("oci/layers");
        var partial = Path.Combine(layers, "layer.tar.gz.partial");
        work.WriteFile("oci/layers/layer.tar.gz.partial/in-the-way", "a folder where the partial file goes: it can be neither written nor deleted as a file");
        var reason = CreateFails(partial);

        var error = Assert.ThrowsExactly<ContainerizeException>(() =>
            LayerWriter.Write(AppLayer("App.dll"), "/app", Path.Combine(layers, "layer.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip));

        Assert.AreEqual($"Containerize could not write the layer 5-app in {layers} (its folder under the project's obj folder, ContainerizeIntermediateDirectory): {reason.TrimEnd('.')}. Check that the disk has room and that the folder may be written; deleting it (dotnet clean) makes the next run start afresh.", error.Diagnostic.Message);
    }

    [TestMethod]
    public void A_file_of_the_image_that_is_gone_is_CTZ2023_naming_it_and_leaves_no_partial_layer()
    {
        var layer = AppLayer("App.dll", "Gone.dll");
        var gone = work.Combine("publish/Gone.dll");
        File.Delete(gone);
        var output = work.Combine("oci/layer.tar.gz");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => LayerWriter.Write(layer, "/app", output, DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip));

        Assert.AreEqual($"{gone}, a file the image is made of (from the publish output or a ContainerFile item), could not be read: Could not find file '{gone}'. Check that it exists and may be read (another build may have replaced it meanwhile), then publish again.", error.Diagnostic.Message);
        Assert.IsEmpty(Directory.EnumerateFiles(work.Combine("oci")).ToList());
    }

    [TestMethod]
    public void Staging_a_file_that_is_gone_is_CTZ2023_and_a_context_that_cannot_be_written_CTZ2021()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet()) with { Layers = [AppLayer("App.dll")] };
        var context = work.Combine("context");
        File.Delete(work.Combine("publish/App.dll"));

        var gone = Assert.ThrowsExactly<ContainerizeException>(() => ContextStager.Stage(spec, context));
        work.WriteFile("publish/App.dll", "App.dll");
        var blocked = work.WriteFile("blocked", "a file where the context folder must be");
        var unwritable = Assert.ThrowsExactly<ContainerizeException>(() => ContextStager.Stage(spec, blocked));

        Assert.AreEqual("CTZ2023", gone.Diagnostic.Code);
        Assert.AreEqual("CTZ2021", unwritable.Diagnostic.Code);
        Assert.StartsWith($"Containerize could not stage the build context in {blocked} (its folder under the project's obj folder, ContainerizeIntermediateDirectory): ", unwritable.Diagnostic.Message);
    }

    [TestMethod]
    public void A_build_record_that_cannot_be_written_is_CTZ2021_naming_it()
    {
        var record = new BuildRecord("fingerprint", "sha256:base", null, "sha256:image", "linux/amd64", ["acme/app:1.0"]);
        var blocked = work.WriteFile("blocked", "a file where the containerize folder must be");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => record.Save(Path.Combine(blocked, BuildRecord.FileName)));
        record.Save(work.Combine("containerize/" + BuildRecord.FileName));

        Assert.AreEqual($"Containerize could not write the build record (containerize.record.json) in {blocked} (its folder under the project's obj folder, ContainerizeIntermediateDirectory): The file '{blocked}' already exists. Check that the disk has room and that the folder may be written; deleting it (dotnet clean) makes the next run start afresh.", error.Diagnostic.Message);
        Assert.AreEqual("CTZ2021", error.Diagnostic.Code);
        Assert.AreEqual("sha256:image", BuildRecord.Load(work.Combine("containerize/" + BuildRecord.FileName))?.ImageId);
        Assert.AreSequenceEqual(new[] { BuildRecord.FileName }, Directory.EnumerateFiles(work.Combine("containerize")).Select(Path.GetFileName).ToArray(), "no partial file");
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_FIFO_where_the_build_record_is_is_no_record_and_is_replaced_not_opened()
    {
        var path = Fifo.Make(work.Combine(BuildRecord.FileName));

        var loaded = BuildRecord.Load(path);
        new BuildRecord("fingerprint", "sha256:base", null, "sha256:image", "linux/amd64", ["acme/app:1.0"]).Save(path);

        Assert.IsNull(loaded);
        Assert.AreEqual("sha256:image", BuildRecord.Load(path)?.ImageId);
    }

    [TestMethod]
    public void A_container_image_json_that_cannot_be_written_is_CTZ2021_naming_it()
    {
        var blocked = work.WriteFile("blocked", "a file where the containerize folder must be");
        var result = new ContainerizeResult("sha256:image", ["acme/app:1.0"], "Dockerfile", "mcr.microsoft.com/dotnet/runtime:10.0", null, ["linux/amd64"], false, null, "docker");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => ImageReport.Write(Path.Combine(blocked, ImageReport.FileName), result));
        ImageReport.Write(work.Combine(ImageReport.FileName), result);

        Assert.AreEqual($"Containerize could not write container-image.json in {blocked} (its folder under the project's obj folder, ContainerizeIntermediateDirectory): The file '{blocked}' already exists. Check that the disk has room and that the folder may be written; deleting it (dotnet clean) makes the next run start afresh.", error.Diagnostic.Message);
        StringAssert.StartsWith(File.ReadAllText(work.Combine(ImageReport.FileName)), "{\n  \"references\": [");
        Assert.AreSequenceEqual(new[] { "blocked", ImageReport.FileName }, Directory.EnumerateFiles(work.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void A_damaged_layer_record_is_not_trusted_the_layer_is_written_again()
    {
        var folder = work.Combine("layers");
        var first = LayerWriter.WriteOrReuse(AppLayer("App.dll"), "/app", folder, DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);
        File.WriteAllText(first.Path + ".json", "{\"Path\":\"cut sho");

        var again = LayerWriter.WriteOrReuse(AppLayer("App.dll"), "/app", folder, DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);

        Assert.AreEqual(first, again);
        StringAssert.StartsWith(File.ReadAllText(first.Path + ".json"), "{");
        Assert.AreEqual(again.Descriptor.Digest, System.Text.Json.JsonSerializer.Deserialize<BuiltLayer>(File.ReadAllBytes(first.Path + ".json"))!.Descriptor.Digest);
    }

    [TestMethod]
    public void An_archive_whose_writing_fails_is_CTZ2020_the_writers_own_error_is_kept_and_no_partial_file_is_left()
    {
        var archive = work.Combine("out/image.tar");
        work.WriteFile("blocked", "a file");
        var blocked = work.Combine("blocked/image.tar");

        var ioFailure = Assert.ThrowsExactly<ContainerizeException>(() => AtomicFile.Write(blocked, output => output.WriteByte(1)));
        var own = Assert.ThrowsExactly<InvalidDataException>(() => AtomicFile.Write(archive, output =>
        {
            output.WriteByte(1);
            throw new InvalidDataException("the layer file has another size than its descriptor");
        }));

        Assert.AreEqual("CTZ2020", ioFailure.Diagnostic.Code);
        Assert.AreEqual($"The image archive {blocked} could not be written: The file '{work.Combine("blocked")}' already exists. Check that the disk has room and that its folder may be written (ContainerArchiveOutputPath names the archive; the one an engine loads is written in the containerize folder); the next run writes it again.", ioFailure.Diagnostic.Message);
        Assert.AreEqual("the layer file has another size than its descriptor", own.Message);
        Assert.IsEmpty(Directory.EnumerateFiles(work.Combine("out")).ToList(), "no image.tar.partial");
    }

    [TestMethod]
    [Timeout(20_000)]
    public void A_FIFO_left_where_a_partial_layer_goes_is_removed_not_opened()
    {
        var output = work.Combine("oci/layer.tar.gz");
        Directory.CreateDirectory(work.Combine("oci"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", output + ".partial"))
        {
            mkfifo.WaitForExit();
        }

        LayerWriter.Write(AppLayer("App.dll"), "/app", output, DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);

        Assert.IsTrue(File.Exists(output));
        Assert.IsFalse(File.Exists(output + ".partial"));
    }

    [TestMethod]
    [Timeout(20_000, CooperativeCancellation = true)]
    public void Two_writers_of_one_archive_at_once_each_move_a_whole_file_into_place()
    {
        var archive = work.Combine("image.tar");
        using var bothWriting = new Barrier(2);
        void Writer(byte value) => AtomicFile.Write(archive, output =>
        {
            output.Write(Enumerable.Repeat(value, 1000).ToArray());
            bothWriting.SignalAndWait(TimeSpan.FromSeconds(10));
            output.Write(Enumerable.Repeat(value, 1000).ToArray());
        });

        Task.WaitAll(Task.Factory.StartNew(() => Writer(1), TaskCreationOptions.LongRunning), Task.Factory.StartNew(() => Writer(2), TaskCreationOptions.LongRunning));

        var content = File.ReadAllBytes(archive);
        Assert.HasCount(2000, content);
        Assert.IsTrue(content.All(value => value == content[0]), "one writer's whole file, not a mix");
        Assert.AreSequenceEqual(new[] { "image.tar" }, Directory.EnumerateFiles(work.Path).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void A_file_whose_content_is_not_its_size_is_CTZ2024_in_both_backends_never_a_corrupt_tar()
    {
        var layer = new Layer("files-1", [new LayerFile("/proc/cpuinfo", "cpuinfo")]) { Destination = "/opt/x" };
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet()) with { FileLayers = [layer] };
        const string Expected = "/proc/cpuinfo, a file the image is made of, changed while it was read: it had 0 bytes when it was opened, and then another length. A file must not change during the build (is something still writing it?); files of /proc and /sys, whose size is not their content, cannot be copied: copy them into a regular file first.";

        var daemonless = Assert.ThrowsExactly<ContainerizeException>(() => LayerWriter.Write(layer, "/app", work.Combine("oci/layer.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip));
        var staged = Assert.ThrowsExactly<ContainerizeException>(() => ContextStager.Stage(spec, work.Combine("context")));

        Assert.AreEqual(Expected, daemonless.Diagnostic.Message);
        Assert.AreEqual(Expected, staged.Diagnostic.Message);
        Assert.IsEmpty(Directory.EnumerateFiles(work.Combine("oci")).ToList(), "no partial layer");
    }

    [TestMethod]
    public void An_archive_is_never_moved_over_a_device_or_a_link()
    {
        var link = work.Combine("loop.tar");
        File.CreateSymbolicLink(link, "loop.tar");

        var device = Assert.ThrowsExactly<ContainerizeException>(() => AtomicFile.Write("/dev/null", output => output.WriteByte(1)));
        var circle = Assert.ThrowsExactly<ContainerizeException>(() => AtomicFile.Write(link, output => output.WriteByte(1)));

        Assert.AreEqual("ContainerArchiveOutputPath '/dev/null' is a character device, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).", device.Diagnostic.Message);
        Assert.AreEqual("CTZ1064", circle.Diagnostic.Code);
        Assert.IsNotNull(new FileInfo(link).LinkTarget, "the link is left as it is");
        Assert.IsEmpty(Directory.EnumerateFiles(work.Path, "*.partial").ToList());
    }

    [TestMethod]
    public void Cleanup_of_what_cannot_be_deleted_leaves_it_and_throws_nothing()
    {
        work.WriteFile("folder/file", "x");

        FileFailures.TryDelete(work.Combine("folder"));
        FileFailures.TryDelete(work.Combine("missing/file"));

        Assert.IsTrue(Directory.Exists(work.Combine("folder")));
    }

    [TestMethod]
    public void Network_stream_failures_are_not_taken_for_file_system_ones()
    {
        Assert.IsTrue(FileFailures.IsFileSystem(new IOException("No space left on device")));
        Assert.IsTrue(FileFailures.IsFileSystem(new UnauthorizedAccessException()));
        Assert.IsFalse(FileFailures.IsFileSystem(new System.Net.Http.HttpIOException(System.Net.Http.HttpRequestError.ResponseEnded)));
        Assert.IsFalse(FileFailures.IsFileSystem(new IOException("reset", new System.Net.Sockets.SocketException(104))));
    }
}
