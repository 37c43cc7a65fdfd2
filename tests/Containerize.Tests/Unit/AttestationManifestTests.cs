using System.Text;
using Containerize.Attestations;
using Containerize.Oci;

namespace Containerize.Tests.Unit;

/// <summary>Docker's attestation manifest, as an OCI archive's image index holds an image's SBOM.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AttestationManifestTests
{
    [TestMethod]
    public void The_statements_are_layers_of_a_manifest_whose_index_entry_names_the_image_and_the_unknown_platform()
    {
        var image = new Descriptor(MediaTypes.OciManifest, "sha256:" + new string('c', 64), 1234);
        var statement = "{\"_type\":\"https://in-toto.io/Statement/v1\"}"u8.ToArray();
        var statementDigest = ManifestWriter.Digest(statement);

        var attestation = AttestationManifest.For(image, [(PredicateTypes.CycloneDx, statement)]);

        var (manifest, config) = (attestation.Blobs[0], attestation.Blobs[1]);
        Assert.AreEqual(
            "{\"architecture\":\"unknown\",\"os\":\"unknown\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + statementDigest + "\"]}}",
            Encoding.UTF8.GetString(config));
        Assert.AreEqual(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{ManifestWriter.Digest(config)}\",\"size\":{config.Length}}},"
            + $"\"layers\":[{{\"mediaType\":\"application/vnd.in-toto+json\",\"digest\":\"{statementDigest}\",\"size\":{statement.Length},"
            + "\"annotations\":{\"in-toto.io/predicate-type\":\"https://cyclonedx.org/bom\"}}]}",
            Encoding.UTF8.GetString(manifest));
        CollectionAssert.AreEqual(statement, attestation.Blobs[2]);
        Assert.HasCount(3, attestation.Blobs);

        Assert.AreEqual(MediaTypes.OciManifest, attestation.Entry.MediaType);
        Assert.AreEqual(ManifestWriter.Digest(manifest), attestation.Entry.Digest);
        Assert.AreEqual(manifest.Length, attestation.Entry.Size);
        Assert.AreEqual("unknown/unknown", attestation.Entry.Platform!.ToString());
        CollectionAssert.AreEquivalent(
            new Dictionary<string, string> { ["vnd.docker.reference.digest"] = image.Digest, ["vnd.docker.reference.type"] = "attestation-manifest" },
            attestation.Entry.Annotations!.ToDictionary());
    }
}
