using System.Text.Json;

namespace Containerize.Oci;

/// <summary>An image index (or Docker manifest list) as a registry serves it: one manifest per platform.</summary>
public static class ImageIndex
{
    /// <summary>The index's entries, each with its platform (none for an attestation or other artifact beside the images).</summary>
    public static IReadOnlyList<Descriptor> Manifests(byte[] index)
    {
        using var document = JsonDocument.Parse(index);
        return document.RootElement.GetProperty("manifests").Deserialize<List<Descriptor>>()!;
    }

    /// <summary>The first entry whose platform is the one <paramref name="wanted"/> asks for (<see cref="Platform.Matches"/>), or null.</summary>
    public static Descriptor? Find(byte[] index, Platform wanted) => Manifests(index).FirstOrDefault(entry => entry.Platform?.Matches(wanted) == true);
}
