using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>An image as one tar: for `docker load`, or as an OCI image layout.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ImageArchiveWriterTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private (Descriptor Descriptor, string Path) Layer(string name, string fileContent)
    {
        var source = work.WriteFile(Path.Combine("publish-" + name, "file.txt"), fileContent);
        var built = LayerWriter.Write(new Layer(name, [new LayerFile(source, "file.txt")]), "/app", work.Combine(name + ".tar.gz"), DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);
        return (built.Descriptor, built.Path);
    }

    private static byte[] Config() => Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""");

    private static string Hex(string digest) => digest["sha256:".Length..];

    private static string Sha256(byte[] content) => "sha256:" + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    private static List<(TarEntry Entry, byte[] Content)> Entries(byte[] archive)
    {
        using var reader = new TarReader(new MemoryStream(archive));
        var entries = new List<(TarEntry, byte[])>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add((entry, content.ToArray()));
        }

        return entries;
    }

    private static byte[] DockerArchive(byte[] config, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> repoTags)
    {
        using var output = new MemoryStream();
        ImageArchiveWriter.WriteDockerArchive(output, config, layers, repoTags);
        return output.ToArray();
    }

    private static byte[] OciLayout(byte[] manifest, byte[] config, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> tags)
    {
        using var output = new MemoryStream();
        ImageArchiveWriter.WriteOciLayout(output, manifest, MediaTypes.OciManifest, config, layers, tags);
        return output.ToArray();
    }

    private static byte[] Manifest(byte[] config, IEnumerable<(Descriptor Descriptor, string Path)> layers) =>
        ManifestWriter.WriteManifest(MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, ManifestWriter.Digest(config), config.Length), layers.Select(layer => layer.Descriptor).ToList());

    [TestMethod]
    public void A_docker_archive_holds_the_manifest_json_the_config_and_every_layer_as_it_is()
    {
        var config = Config();
        var baseLayer = Layer("base", "from the base image");
        var appLayer = Layer("5-app", "Hello from Docker!");

        var entries = Entries(DockerArchive(config, [baseLayer, appLayer], ["shop:1.0.0", "localhost:5000/acme/shop:latest"]));
        var files = entries.ToDictionary(entry => entry.Entry.Name, entry => entry.Content);

        var configName = Hex(Sha256(config)) + ".json";
        var layerNames = new[] { Hex(baseLayer.Descriptor.Digest) + ".tar.gz", Hex(appLayer.Descriptor.Digest) + ".tar.gz" };
        Assert.AreSequenceEqual(new[] { configName, "manifest.json" }.Concat(layerNames).Order(StringComparer.Ordinal).ToArray(), entries.Select(entry => entry.Entry.Name).ToArray());
        Assert.AreEqual(
            "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"shop:1.0.0\",\"localhost:5000/acme/shop:latest\"],\"Layers\":[\"" + layerNames[0] + "\",\"" + layerNames[1] + "\"]}]",
            Encoding.UTF8.GetString(files["manifest.json"]));
        CollectionAssert.AreEqual(config, files[configName]);
        CollectionAssert.AreEqual(File.ReadAllBytes(baseLayer.Path), files[layerNames[0]]);
        CollectionAssert.AreEqual(File.ReadAllBytes(appLayer.Path), files[layerNames[1]]);
    }

    [TestMethod]
    public void A_layer_listed_twice_is_stored_once_and_named_twice()
    {
        var layer = Layer("5-app", "same");

        var entries = Entries(DockerArchive(Config(), [layer, layer], []));
        var manifest = JsonNode.Parse(entries.Single(entry => entry.Entry.Name == "manifest.json").Content)!;

        Assert.HasCount(3, entries);
        Assert.AreEqual("[]", manifest[0]!["RepoTags"]!.ToJsonString());
        Assert.AreEqual("[\"" + Hex(layer.Descriptor.Digest) + ".tar.gz\",\"" + Hex(layer.Descriptor.Digest) + ".tar.gz\"]", manifest[0]!["Layers"]!.ToJsonString());
    }

    [TestMethod]
    public void An_oci_layout_holds_oci_layout_an_index_naming_each_tag_and_every_blob_under_its_digest()
    {
        var config = Config();
        var layers = new[] { Layer("base", "from the base image"), Layer("5-app", "Hello from Docker!") };
        var manifest = Manifest(config, layers);

        var entries = Entries(OciLayout(manifest, config, layers, ["1.0.0", "latest"]));
        var files = entries.ToDictionary(entry => entry.Entry.Name, entry => entry.Content);

        var blobs = new[] { manifest, config }.Select(Sha256).Concat(layers.Select(layer => layer.Descriptor.Digest)).Select(digest => "blobs/sha256/" + Hex(digest));
        Assert.AreSequenceEqual(new[] { "blobs/", "blobs/sha256/", "index.json", "oci-layout" }.Concat(blobs).Order(StringComparer.Ordinal).ToArray(),
            entries.Select(entry => entry.Entry.Name).ToArray());
        Assert.AreEqual("{\"imageLayoutVersion\":\"1.0.0\"}", Encoding.UTF8.GetString(files["oci-layout"]));
        var manifestDescriptor = "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + Sha256(manifest) + "\",\"size\":" + manifest.Length;
        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" +
            manifestDescriptor + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0.0\"}}," +
            manifestDescriptor + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}",
            Encoding.UTF8.GetString(files["index.json"]));
        foreach (var (entry, content) in entries.Where(entry => entry.Entry.EntryType == TarEntryType.RegularFile && entry.Entry.Name.StartsWith("blobs/", StringComparison.Ordinal)))
        {
            Assert.AreEqual(entry.Name, "blobs/sha256/" + Hex(Sha256(content)));
        }

        CollectionAssert.AreEqual(manifest, files["blobs/sha256/" + Hex(Sha256(manifest))]);
        CollectionAssert.AreEqual(File.ReadAllBytes(layers[1].Path), files["blobs/sha256/" + Hex(layers[1].Descriptor.Digest)]);
    }

    [TestMethod]
    public void An_oci_layout_with_no_tag_has_one_unnamed_manifest()
    {
        var config = Config();
        var manifest = Manifest(config, []);

        var index = Entries(OciLayout(manifest, config, [], [])).Single(entry => entry.Entry.Name == "index.json").Content;

        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" +
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + Sha256(manifest) + "\",\"size\":" + manifest.Length + "}]}",
            Encoding.UTF8.GetString(index));
    }

    [TestMethod]
    public void Archive_entries_are_owned_by_root_dated_at_the_epoch_and_the_same_every_time()
    {
        var config = Config();
        var layers = new[] { Layer("5-app", "Hello from Docker!") };
        var manifest = Manifest(config, layers);

        var first = OciLayout(manifest, config, layers, ["1.0.0"]);

        CollectionAssert.AreEqual(first, OciLayout(manifest, config, layers, ["1.0.0"]));
        CollectionAssert.AreEqual(DockerArchive(config, layers, ["shop:1"]), DockerArchive(config, layers, ["shop:1"]));
        foreach (var (entry, _) in Entries(first))
        {
            Assert.AreEqual(TarEntryFormat.Gnu, entry.Format, entry.Name);
            Assert.AreEqual(0, entry.Uid, entry.Name);
            Assert.AreEqual(0, entry.Gid, entry.Name);
            Assert.AreEqual(DateTimeOffset.UnixEpoch, entry.ModificationTime, entry.Name);
            Assert.AreEqual(entry.EntryType == TarEntryType.Directory ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100, entry.Mode, entry.Name);
        }
    }

    [TestMethod]
    public void A_layer_file_whose_size_differs_from_its_descriptor_is_refused()
    {
        var (descriptor, path) = Layer("5-app", "Hello from Docker!");

        Assert.ThrowsExactly<ArgumentException>(() => DockerArchive(Config(), [(descriptor with { Size = descriptor.Size + 1 }, path)], []));
    }
}
