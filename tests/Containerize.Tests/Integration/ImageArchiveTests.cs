using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// An image built in-process from nothing (one layer holding a static busybox), written as archives that the real
/// engine loads and runs and that skopeo reads and copies, checking every blob's digest on the way.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class ImageArchiveTests
{
    private const string Greeting = "Hello from a daemonless image!";
    private const string ScratchConfig = """{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""";

    private sealed record Image(byte[] Config, byte[] Manifest, BuiltLayer Layer);

    /// <summary>Copies busybox out of the tiny test base and builds the image's layer, config and manifest in <paramref name="folder"/>.</summary>
    private static Image Build(string folder)
    {
        var container = "ctz-image-archive-" + Guid.NewGuid().ToString("N")[..12];
        DockerCli.Run("create", "--name", container, "--network", "none", TestEnvironment.TinyBase).ShouldSucceed();
        var busybox = Path.Combine(folder, "publish", "busybox");
        Directory.CreateDirectory(Path.GetDirectoryName(busybox)!);
        try
        {
            DockerCli.Run("cp", container + ":/bin/busybox", busybox).ShouldSucceed();
        }
        finally
        {
            DockerCli.Run("rm", container);
        }

        var spec = new ContainerSpec
        {
            BaseImage = ImageReference.TryParse("scratch")!,
            Repository = "ctz-test/image-archive",
            Tags = ["1"],
            WorkingDirectory = "/app",
            User = "1654",
            Ports = [],
            Environment = [new("GREETING", Greeting)],
            Labels = [new("org.opencontainers.image.title", "image-archive")],
            Entrypoint = ["/app/busybox", "sh", "-c", "echo \"$GREETING\""],
            Cmd = [],
            Layers = [new Layer("5-app", [new LayerFile(busybox, "busybox")])],
        };

        var layer = LayerWriter.Write(spec.Layers[0], spec.WorkingDirectory, Path.Combine(folder, "5-app.tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);
        var config = ImageConfigWriter.Write(JsonNode.Parse(ScratchConfig)!.AsObject(), spec, [layer], DateTimeOffset.UnixEpoch);
        var manifest = ManifestWriter.WriteManifest(MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, ManifestWriter.Digest(config), config.Length), [layer.Descriptor]);
        return new Image(config, manifest, layer);
    }

    [TestMethod]
    public void ADockerArchiveLoadsIntoTheEngineWithItsConfigAndLayerAndRuns()
    {
        TestEnvironment.RequireEngine();
        using var folder = new TemporaryFolder();
        var image = Build(folder.Path);
        var reference = "ctz-test/image-archive:" + Guid.NewGuid().ToString("N")[..12];
        var archive = Path.Combine(folder.Path, "image.tar");
        using (var output = File.Create(archive))
        {
            ImageArchiveWriter.WriteDockerArchive(output, image.Config, [(image.Layer.Descriptor, image.Layer.Path)], [reference]);
        }

        try
        {
            var load = DockerCli.Run("load", "-i", archive).ShouldSucceed();
            StringAssert.Contains(load.Output, "Loaded image: " + reference);

            var inspected = DockerCli.InspectImage(reference);
            var id = inspected.GetProperty("Id").GetString()!;
            if (TestEnvironment.UsesContainerdImageStore)
            {
                // The id is the digest of the manifest the engine made on loading: one that names this config.
                Assert.AreEqual(ManifestWriter.Digest(image.Config), SavedManifest(reference, id)["config"]!["digest"]!.GetValue<string>());
            }
            else
            {
                Assert.AreEqual(ManifestWriter.Digest(image.Config), id);
            }

            Assert.AreSequenceEqual(new[] { image.Layer.DiffId }, DockerCli.LayerDiffIds(inspected));
            Assert.AreEqual("1654", inspected.GetProperty("Config").GetProperty("User").GetString());
            Assert.AreEqual(Greeting + "\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
        }
        finally
        {
            DockerCli.Run("rmi", "--force", reference);
        }
    }

    /// <summary>The manifest blob with this digest in what docker save writes for the reference (an OCI layout in the containerd image store).</summary>
    private static JsonNode SavedManifest(string reference, string digest)
    {
        using var folder = new TemporaryFolder();
        var archive = Path.Combine(folder.Path, "saved.tar");
        DockerCli.Run("save", "-o", archive, reference).ShouldSucceed();
        using var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == "blobs/sha256/" + digest["sha256:".Length..])
            {
                return JsonNode.Parse(entry.DataStream!)!;
            }
        }

        throw new AssertFailedException($"docker save of {reference} holds no blob {digest}");
    }

    [TestMethod]
    public void AnOciLayoutArchiveIsReadAndCopiedBySkopeoBlobForBlob()
    {
        TestEnvironment.RequireEngine();
        using var folder = new TemporaryFolder();
        var image = Build(folder.Path);
        var archive = Path.Combine(folder.Path, "image-oci.tar");
        using (var output = File.Create(archive))
        {
            ImageArchiveWriter.WriteOciLayout(output, image.Manifest, MediaTypes.OciManifest, image.Config, [(image.Layer.Descriptor, image.Layer.Path)], ["1.0.0"]);
        }

        var inspect = ProcessRunner.Run("skopeo", ["inspect", "oci-archive:" + archive + ":1.0.0"], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();
        using (var document = JsonDocument.Parse(inspect.Output))
        {
            Assert.AreEqual(ManifestWriter.Digest(image.Manifest), document.RootElement.GetProperty("Digest").GetString());
            Assert.AreSequenceEqual(new[] { image.Layer.Descriptor.Digest }, DockerCli.Strings(document.RootElement.GetProperty("Layers")));
            Assert.AreEqual("image-archive", document.RootElement.GetProperty("Labels").GetProperty("org.opencontainers.image.title").GetString());
        }

        var copy = Path.Combine(folder.Path, "copy");
        ProcessRunner.Run("skopeo", ["copy", "oci-archive:" + archive + ":1.0.0", "dir:" + copy], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();

        Assert.AreEqual(Encoding.UTF8.GetString(image.Manifest), File.ReadAllText(Path.Combine(copy, "manifest.json")));
        CollectionAssert.AreEqual(File.ReadAllBytes(image.Layer.Path), File.ReadAllBytes(Path.Combine(copy, image.Layer.Descriptor.Digest["sha256:".Length..])));
    }
}
