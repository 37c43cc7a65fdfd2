using System.Text.Json;
using System.Text.Json.Nodes;
using Containerize.Oci;

namespace Containerize.Referrers;

/// <summary>
/// The referrers tag schema (OCI distribution spec 1.1) for registries without the referrers API: the index tagged
/// <c>sha256-&lt;hex&gt;</c> of the subject's digest lists every manifest that refers to it. cosign and oras keep the same
/// tag, so entries already there are kept as they are.
/// </summary>
public static class ReferrersIndex
{
    /// <summary>The tag of a subject's referrers index: "sha256:abc…" → "sha256-abc…".</summary>
    public static string Tag(string subjectDigest) => subjectDigest.Replace(':', '-');

    /// <summary>
    /// The index with <paramref name="referrers"/> added to <paramref name="existing"/> (null: none yet); entries
    /// already there (by digest) are not added twice, and every other field and entry is kept.
    /// </summary>
    /// <returns>The new index, or null when it would not change.</returns>
    /// <exception cref="FormatException">The tag holds something other than an OCI index: the spec says to report it and leave it.</exception>
    public static byte[]? Add(byte[]? existing, IEnumerable<Descriptor> referrers)
    {
        var index = existing is null ? new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray() } : Parse(existing);
        var manifests = (JsonArray)index["manifests"]!;
        var known = manifests.Select(entry => (string)entry!["digest"]!).ToHashSet(StringComparer.Ordinal);
        var added = false;
        foreach (var referrer in referrers.Where(referrer => known.Add(referrer.Digest)))
        {
            manifests.Add(JsonNode.Parse(ManifestWriter.Json(writer => ManifestWriter.WriteDescriptor(writer, referrer))));
            added = true;
        }

        return added || existing is null ? ManifestWriter.Json(writer => index.WriteTo(writer)) : null;
    }

    private static JsonObject Parse(byte[] existing)
    {
        try
        {
            if (JsonNode.Parse(existing) is JsonObject index && (string?)index["mediaType"] == MediaTypes.OciIndex
                && index["manifests"] is JsonArray manifests && manifests.All(entry => entry?["digest"] is JsonValue digest && digest.TryGetValue<string>(out _)))
            {
                return index;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON, or a field of the wrong kind.
        }

        throw new FormatException("it holds something other than an OCI image index of referrers");
    }
}
