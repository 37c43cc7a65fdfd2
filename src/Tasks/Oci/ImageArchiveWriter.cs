using System.Formats.Tar;
using Containerize.Layers;

namespace Containerize.Oci;

/// <summary>
/// Writes an image as one tar stream: the archive `docker load` takes (manifest.json naming the config and the
/// layers, gzip-compressed as they are), or an OCI image layout (oci-layout, index.json, blobs/sha256/…).
/// Entries are in ordinal order of their names, with the fixed headers of <see cref="TarEntries"/> dated at the
/// Unix epoch, so the same image gives the same archive; layer files are streamed from disk, never held in memory.
/// A blob that several layers share is written once.
/// </summary>
public static class ImageArchiveWriter
{
    public const string DockerManifestName = "manifest.json";
    public const string OciLayoutName = "oci-layout";
    public const string OciIndexName = "index.json";
    public const string BlobsFolder = "blobs/sha256/";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    private static readonly DateTimeOffset EntryTime = DateTimeOffset.UnixEpoch;

    /// <param name="config">The image config, as its digest was taken.</param>
    /// <param name="layers">Every layer of the image, the base image's too, in rootfs order, each with the .tar.gz holding it.</param>
    /// <param name="repoTags">The full references `docker load` tags the image with (repository:tag); none leaves it untagged.</param>
    public static void WriteDockerArchive(Stream output, byte[] config, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> repoTags)
    {
        var configName = Hex(ManifestWriter.Digest(config)) + ".json";
        var layerNames = layers.Select(layer => Hex(layer.Descriptor.Digest) + ".tar.gz").ToList();
        var manifest = ManifestWriter.Json(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("Config", configName);
            writer.WriteStartArray("RepoTags");
            foreach (var tag in repoTags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("Layers");
            foreach (var name in layerNames)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

        var entries = new SortedDictionary<string, Action<TarWriter, string>>(StringComparer.Ordinal)
        {
            [DockerManifestName] = Content(manifest),
            [configName] = Content(config),
        };
        AddLayers(entries, layers, layerNames);
        Write(output, entries);
    }

    /// <param name="manifest">The image manifest, as its digest was taken.</param>
    /// <param name="config">The image config the manifest names.</param>
    /// <param name="layers">Every layer the manifest names, in its order, each with the .tar.gz holding it.</param>
    /// <param name="tags">The names index.json gives the manifest (org.opencontainers.image.ref.name), one descriptor each; none gives one unnamed descriptor.</param>
    public static void WriteOciLayout(Stream output, byte[] manifest, string manifestMediaType, byte[] config, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> tags)
    {
        var entries = LayoutEntries(manifestMediaType, manifest, tags);
        AddImage(entries, manifest, config, layers);
        Write(output, entries);
    }

    /// <summary>
    /// A multi-platform image as an OCI image layout: index.json names the image index (once per tag), the index
    /// blob lists each platform's manifest, and every manifest, config and layer is a blob.
    /// </summary>
    /// <param name="index">The image index, as its digest was taken (OCI media types throughout).</param>
    /// <param name="images">Each platform's manifest (as listed in the index), config and layer files.</param>
    /// <param name="blobs">Other blobs the index names, held in memory: attestation manifests and what they hold.</param>
    public static void WriteOciIndexLayout(Stream output, byte[] index, IReadOnlyList<(byte[] Manifest, byte[] Config, IReadOnlyList<(Descriptor Descriptor, string Path)> Layers)> images,
        IReadOnlyList<string> tags, IReadOnlyList<byte[]>? blobs = null)
    {
        var entries = LayoutEntries(MediaTypes.OciIndex, index, tags);
        foreach (var (manifest, config, layers) in images)
        {
            AddImage(entries, manifest, config, layers);
        }

        foreach (var blob in blobs ?? [])
        {
            entries.TryAdd(BlobsFolder + Hex(ManifestWriter.Digest(blob)), Content(blob));
        }

        Write(output, entries);
    }

    /// <summary>
    /// The entries every OCI image layout has: oci-layout, the blobs folders, and index.json naming the top manifest
    /// or index (once per tag: org.opencontainers.image.ref.name; none gives one unnamed descriptor), itself a blob.
    /// </summary>
    private static SortedDictionary<string, Action<TarWriter, string>> LayoutEntries(string mediaType, byte[] top, IReadOnlyList<string> tags)
    {
        var descriptor = new Descriptor(mediaType, ManifestWriter.Digest(top), top.LongLength);
        var descriptors = tags.Count == 0
            ? [descriptor]
            : tags.Select(tag => descriptor with { Annotations = new Dictionary<string, string> { [RefNameAnnotation] = tag } }).ToList();
        return new SortedDictionary<string, Action<TarWriter, string>>(StringComparer.Ordinal)
        {
            [OciLayoutName] = Content("{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()),
            [OciIndexName] = Content(ManifestWriter.WriteIndex(MediaTypes.OciIndex, descriptors)),
            ["blobs/"] = Folder,
            [BlobsFolder] = Folder,
            [BlobsFolder + Hex(descriptor.Digest)] = Content(top),
        };
    }

    /// <summary>One image's manifest, config and layers as blobs (a blob already there is kept once).</summary>
    private static void AddImage(SortedDictionary<string, Action<TarWriter, string>> entries, byte[] manifest, byte[] config, IReadOnlyList<(Descriptor Descriptor, string Path)> layers)
    {
        entries.TryAdd(BlobsFolder + Hex(ManifestWriter.Digest(manifest)), Content(manifest));
        entries.TryAdd(BlobsFolder + Hex(ManifestWriter.Digest(config)), Content(config));
        AddLayers(entries, layers, layers.Select(layer => BlobsFolder + Hex(layer.Descriptor.Digest)).ToList());
    }

    private static void AddLayers(SortedDictionary<string, Action<TarWriter, string>> entries, IReadOnlyList<(Descriptor Descriptor, string Path)> layers, IReadOnlyList<string> names)
    {
        for (var i = 0; i < layers.Count; i++)
        {
            var (descriptor, path) = layers[i];
            var size = new FileInfo(path).Length;
            if (size != descriptor.Size)
            {
                throw new ArgumentException($"The layer file '{path}' has {size} bytes, its descriptor {descriptor.Digest} says {descriptor.Size}.", nameof(layers));
            }

            entries.TryAdd(names[i], (writer, name) => TarEntries.WriteFile(writer, name, path, FileModes.Regular, EntryTime));
        }
    }

    private static void Write(Stream output, SortedDictionary<string, Action<TarWriter, string>> entries)
    {
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var (name, write) in entries)
        {
            write(writer, name);
        }
    }

    private static Action<TarWriter, string> Content(byte[] content) => (writer, name) => TarEntries.WriteFile(writer, name, content, EntryTime);

    private static void Folder(TarWriter writer, string name) => writer.WriteEntry(TarEntries.Directory(name, EntryTime));

    /// <summary>The hex part of "sha256:&lt;hex&gt;".</summary>
    private static string Hex(string digest) =>
        digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length == 71
            ? digest["sha256:".Length..]
            : throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
}
