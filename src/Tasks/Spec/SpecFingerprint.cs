using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Layers;

namespace Containerize.Spec;

/// <summary>
/// A hash of everything the image is made from on this side of the engine: the spec and the content, path and
/// mode of every layer file (extra files included). Equal fingerprints and an unchanged base image mean an unchanged image.
/// </summary>
public static class SpecFingerprint
{
    /// <param name="destination">Where the image goes besides the spec's references (an archive and its format) and the engine's builder, so that changing them is a change.</param>
    public static string Compute(ContainerSpec spec, string toolVersion, string destination = "")
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(toolVersion + "\n" + destination + "\n"));
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(spec with { Layers = [], FileLayers = [] }));
        foreach (var layer in spec.AllLayers)
        {
            hash.AppendData(Encoding.UTF8.GetBytes("\n" + LayerContent.Key(layer)));
        }

        return "sha256:" + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
