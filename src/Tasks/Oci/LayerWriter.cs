using System.Formats.Tar;
using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Oci;

/// <summary>
/// Writes one layer of the app as a gzip-compressed tar, the same bytes for the same files wherever and whenever
/// they were published: the files under the working directory (/app → "app/App.dll"), with an entry for every
/// folder level, entries in ordinal order of their names, each header set by <see cref="TarEntries"/>, and a gzip
/// framing of constants (<see cref="GzipWriteStream"/>). Both digests are taken while the layer streams to disk.
/// </summary>
public static class LayerWriter
{
    /// <param name="layer">The files, each with its path under the working directory.</param>
    /// <param name="workingDirectory">Absolute folder of the image the files go to; "/" puts them at the root.</param>
    /// <param name="outputPath">The .tar.gz to write; written beside it first, then moved, so it is complete or absent.</param>
    /// <param name="fileTime">Modification, access and change time of every entry.</param>
    /// <param name="mediaType">The layer media type of the descriptor (<see cref="MediaTypes.For"/>).</param>
    public static BuiltLayer Write(Layer layer, string workingDirectory, string outputPath, DateTimeOffset fileTime, string mediaType)
    {
        var entries = Entries(layer, workingDirectory);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var partial = outputPath + ".partial";
        try
        {
            string diffId;
            Descriptor descriptor;
            using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
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
                                tar.WriteEntry(TarEntries.Directory(name, fileTime));
                            }
                            else
                            {
                                TarEntries.WriteFile(tar, name, source.SourcePath, FileModes.IsExecutable(source.SourcePath), fileTime);
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
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    /// <summary>The entry names in archive order, each with its file (null for a folder, whose name ends with '/').</summary>
    internal static IReadOnlyList<(string Name, LayerFile? Source)> Entries(Layer layer, string workingDirectory)
    {
        if (!workingDirectory.StartsWith('/'))
        {
            throw new ArgumentException($"The working directory '{workingDirectory}' is not absolute.", nameof(workingDirectory));
        }

        var root = workingDirectory.Trim('/');
        if (root.Length > 0)
        {
            RequireRelativePath(root, workingDirectory);
        }

        var prefix = root.Length == 0 ? "" : root + "/";
        var entries = new SortedDictionary<string, LayerFile?>(StringComparer.Ordinal);
        AddFolders(entries, prefix);
        foreach (var file in layer.Files)
        {
            RequireRelativePath(file.RelativePath, file.RelativePath);
            var name = prefix + file.RelativePath;
            if (!entries.TryAdd(name, file))
            {
                throw new ArgumentException($"Layer '{layer.Name}' has '{file.RelativePath}' twice.", nameof(layer));
            }

            AddFolders(entries, name[..(name.LastIndexOf('/') + 1)]);
        }

        return entries.Select(entry => (entry.Key, entry.Value)).ToList();
    }

    /// <summary>Adds "a/", "a/b/", … for a folder name "a/b/" (nothing for "").</summary>
    private static void AddFolders(SortedDictionary<string, LayerFile?> entries, string folder)
    {
        for (var slash = folder.IndexOf('/'); slash >= 0; slash = folder.IndexOf('/', slash + 1))
        {
            entries.TryAdd(folder[..(slash + 1)], null);
        }
    }

    private static void RequireRelativePath(string path, string shown)
    {
        if (path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"'{shown}' is not a plain '/'-separated path: it has an empty, '.' or '..' part.", nameof(path));
        }
    }
}
