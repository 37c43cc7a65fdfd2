using System.Text;
using Containerize.Oci;

namespace Containerize.Tests.Unit;

/// <summary>Manifests and indexes: compact JSON, keys in a fixed order, digests of the exact bytes.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ManifestWriterTests
{
    private static readonly string A = "sha256:" + new string('a', 64);
    private static readonly string B = "sha256:" + new string('b', 64);
    private static readonly string C = "sha256:" + new string('c', 64);

    [TestMethod]
    public void A_manifest_is_exactly_this_compact_json()
    {
        var manifest = ManifestWriter.WriteManifest(MediaTypes.OciManifest, new Descriptor(MediaTypes.OciConfig, A, 1234),
            [new Descriptor(MediaTypes.OciLayerGzip, B, 56789), new Descriptor(MediaTypes.OciLayerGzip, C, 10)]);

        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + A + "\",\"size\":1234}," +
            "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + B + "\",\"size\":56789}," +
            "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + C + "\",\"size\":10}]}",
            Encoding.UTF8.GetString(manifest));
    }

    [TestMethod]
    public void A_docker_manifest_with_no_layers_has_an_empty_layer_list()
    {
        var manifest = ManifestWriter.WriteManifest(MediaTypes.DockerManifest, new Descriptor(MediaTypes.DockerConfig, A, 2), []);

        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"," +
            "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + A + "\",\"size\":2},\"layers\":[]}",
            Encoding.UTF8.GetString(manifest));
    }

    [TestMethod]
    public void An_index_lists_each_manifest_with_its_platform_and_annotations_by_key()
    {
        var index = ManifestWriter.WriteIndex(MediaTypes.OciIndex,
        [
            new Descriptor(MediaTypes.OciManifest, A, 500) { Platform = new Platform("linux", "amd64") },
            new Descriptor(MediaTypes.OciManifest, B, 501)
            {
                Platform = new Platform("linux", "arm64") { Variant = "v8" },
                Annotations = new Dictionary<string, string> { ["z.last"] = "2", ["a.first"] = "1" },
            },
        ]);

        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" +
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + A + "\",\"size\":500,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}," +
            "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + B + "\",\"size\":501,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}," +
            "\"annotations\":{\"a.first\":\"1\",\"z.last\":\"2\"}}]}",
            Encoding.UTF8.GetString(index));
    }

    [TestMethod]
    public void Digest_is_the_lower_case_sha256_of_the_bytes()
    {
        Assert.AreEqual("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ManifestWriter.Digest([]));
        Assert.AreEqual("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ManifestWriter.Digest("abc"u8.ToArray()));
    }
}
