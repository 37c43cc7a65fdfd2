using System.Formats.Tar;
using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Oci;

/// <summary>
/// Writes one layer as a gzip-compressed tar, the same bytes for the same files wherever and whenever they were
/// published: the files under the layer's destination (/app → "app/App.dll"), entries in ordinal order of their
/// names, each header set by <see cref="TarEntries"/>, and a gzip framing of constants (<see cref="GzipWriteStream"/>).
/// Both digests are taken while the layer streams to disk. What it adds matches what the layer's COPY does through
/// the engine: an app layer (no destination of its own) has an entry for every folder level of the working directory,
/// owned by root; a layer with a destination adds what is under it, owned by the layer's owner — and, when it has no
/// files (a writable folder), the folder itself. Folders are 0755; files 0755 or 0644 by their executable bit, or their mode.
/// </summary>
public static class LayerWriter
{
    /// <param name="layer">The files, each with its path under the layer's destination.</param>
    /// <param name="workingDirectory">Absolute folder of the image where a layer without a destination goes; "/" puts its files at the root.</param>
    /// <param name="outputPath">The .tar.gz to write; written beside it first, then moved, so it is complete or absent.</param>
    /// <param name="fileTime">Modification, access and change time of every entry.</param>
    /// <param name="mediaType">The layer media type of the descriptor (<see cref="MediaTypes.For"/>).</param>
    public static BuiltLayer Write(Layer layer, string workingDirectory, string outputPath, DateTimeOffset fileTime, string mediaType)
    {
        var entries = Entries(layer, workingDirectory);
        var (uid, gid) = NumericOwner(layer.Owner);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var partial = outputPath + ".partial";
        try
        {
            Directory.CreateDirectory(folder);
            FileFailures.TryDelete(partial);
            string diffId;
            Descriptor descriptor;
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var compressed = new DigestingWriteStream(file))
            {
                using (var gzip = new GzipWriteStream(compressed, leaveOpen: true))
                using (var uncompressed = new DigestingWriteStream(gzip))
                {
                    using (var tar = new TarWriter(uncompressed, TarEntryFormat.Gnu, leaveOpen: true))
                    {
                        foreach (var (name, source) in entries)
                        {
                            if (source is null)
                            {
                                tar.WriteEntry(TarEntries.Directory(name, fileTime, uid, gid));
                            }
                            else
                            {
                                using var content = SourceFiles.OpenRead(source.SourcePath);
                                var sized = new SizedReadStream(content, source.SourcePath);
                                TarEntries.WriteFile(tar, name, sized, source.Mode ?? FileModes.Default(source.SourcePath), fileTime, uid, gid);
                                sized.RequireEnd();
                            }
                        }
                    }

                    diffId = uncompressed.Digest();
                }

                descriptor = new Descriptor(mediaType, compressed.Digest(), compressed.BytesWritten);
            }

            File.Move(partial, outputPath, overwrite: true);
            return new BuiltLayer(outputPath, descriptor, diffId);
        }
        catch (Exception exception)
        {
            FileFailures.TryDelete(partial);
            if (FileFailures.IsFileSystem(exception))
            {
                throw new ContainerizeException(Errors.IntermediateFolderFailed(folder, $"write the layer {layer.Name}", exception.Message), exception);
            }

            throw;
        }
    }

    /// <summary>
    /// The layer in <paramref name="folder"/>, written unless an earlier run left it there: each layer file is named by
    /// a hash of what it is made from (<see cref="LayerContent.Key"/>, the destination, the file time, the media type
    /// and this assembly's build), and a .json beside it keeps its descriptor and diff id. So only changed layers are
    /// compressed again (a kept file is checked against its digest first), and a layer two platforms share is written once.
    /// </summary>
    public static BuiltLayer WriteOrReuse(Layer layer, string workingDirectory, string folder, DateTimeOffset fileTime, string mediaType)
    {
        var input = $"{LayerContent.Key(layer)}\n{layer.DestinationIn(workingDirectory)}\n{fileTime.ToUnixTimeSeconds()}\n{mediaType}\n{typeof(LayerWriter).Assembly.ManifestModule.ModuleVersionId}";
        var name = Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(input))[Sha256Digest.Prefix.Length..];
        var path = Path.Combine(folder, name + ".tar.gz");
        var record = path + ".json";
        if (File.Exists(path) && Stored(record) is { } stored
            && stored.Descriptor.Size == new FileInfo(path).Length && stored.Descriptor.Digest == Sha256Digest.OfFileAsync(path, RunCancellation.Token).GetAwaiter().GetResult())
        {
            return stored with { Path = path };
        }

        var built = Write(layer, workingDirectory, path, fileTime, mediaType);
        FileFailures.Guard(() => File.WriteAllBytes(record, JsonSerializer.SerializeToUtf8Bytes(built)),
            reason => Errors.IntermediateFolderFailed(folder, $"record the layer {layer.Name}", reason));
        return built;
    }

    /// <summary>The layer an earlier run recorded, or null when there is no record or it cannot be read (cut short, damaged): the layer is written again.</summary>
    private static BuiltLayer? Stored(string record)
    {
        try
        {
            return File.Exists(record) ? JsonSerializer.Deserialize<BuiltLayer>(File.ReadAllBytes(record)) : null;
        }
        catch (Exception exception) when (exception is JsonException || FileFailures.IsFileSystem(exception))
        {
            return null;
        }
    }

    /// <summary>Removes the layers in <paramref name="folder"/> (and their .json) that are not among <paramref name="used"/>.</summary>
    public static void RemoveUnused(string folder, IEnumerable<BuiltLayer> used)
    {
        var keep = used.Select(layer => Path.GetFullPath(layer.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.tar.gz").Where(file => !keep.Contains(Path.GetFullPath(file))).ToList())
        {
            FileFailures.TryDelete(file);
            FileFailures.TryDelete(file + ".json");
        }
    }

    /// <summary>True when the owner can be written into a tar header as it is: empty (root), uid or uid:gid.</summary>
    public static bool IsNumericOwner(string owner) => TryParseOwner(owner, out _, out _);

    /// <summary>The entry names in archive order, each with its file (null for a folder, whose name ends with '/').</summary>
    internal static IReadOnlyList<(string Name, LayerFile? Source)> Entries(Layer layer, string workingDirectory)
    {
        var ownDestination = layer.Destination.Length > 0;
        var destination = layer.DestinationIn(workingDirectory);
        if (!destination.StartsWith('/'))
        {
            throw new ArgumentException($"The destination '{destination}' is not absolute.", nameof(layer));
        }

        var root = destination.Trim('/');
        if (root.Length > 0)
        {
            RequireRelativePath(root, destination);
        }

        var prefix = root.Length == 0 ? "" : root + "/";
        var entries = new SortedDictionary<string, LayerFile?>(StringComparer.Ordinal);
        if (!ownDestination)
        {
            AddFolders(entries, prefix, "");
        }
        else if (layer.Files.Count == 0)
        {
            entries.Add(prefix, null);
        }

        foreach (var file in layer.Files)
        {
            RequireRelativePath(file.RelativePath, file.RelativePath);
            var name = prefix + file.RelativePath;
            if (!entries.TryAdd(name, file))
            {
                throw new ArgumentException($"Layer '{layer.Name}' has '{file.RelativePath}' twice.", nameof(layer));
            }

            AddFolders(entries, name[..(name.LastIndexOf('/') + 1)], ownDestination ? prefix : "");
        }

        return entries.Select(entry => (entry.Key, entry.Value)).ToList();
    }

    /// <summary>Adds "a/", "a/b/", … for a folder name "a/b/", leaving out <paramref name="above"/> and the folders above it.</summary>
    private static void AddFolders(SortedDictionary<string, LayerFile?> entries, string folder, string above)
    {
        for (var slash = folder.IndexOf('/', above.Length); slash >= 0; slash = folder.IndexOf('/', slash + 1))
        {
            entries.TryAdd(folder[..(slash + 1)], null);
        }
    }

    private static (int Uid, int Gid) NumericOwner(string owner) =>
        TryParseOwner(owner, out var uid, out var gid)
            ? (uid, gid)
            : throw new ArgumentException($"The owner '{owner}' is a name; a layer written here needs a numeric uid[:gid].", nameof(owner));

    /// <summary>As COPY --chown reads it: a uid alone is the gid too.</summary>
    private static bool TryParseOwner(string owner, out int uid, out int gid)
    {
        uid = gid = 0;
        if (owner.Length == 0)
        {
            return true;
        }

        var parts = owner.Split(':');
        return parts.Length <= 2
            && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uid)
            && int.TryParse(parts[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out gid);
    }

    private static void RequireRelativePath(string path, string shown)
    {
        if (path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"'{shown}' is not a plain '/'-separated path: it has an empty, '.' or '..' part.", nameof(path));
        }
    }
}
