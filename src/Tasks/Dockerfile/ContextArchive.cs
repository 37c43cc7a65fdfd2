using System.Formats.Tar;
using Containerize.Layers;
using Containerize.Oci;

namespace Containerize.Dockerfile;

/// <summary>
/// Writes a staged context folder as the tar stream the engine's build endpoint takes. Entries are sorted and
/// every header field is set (<see cref="TarEntries"/>) — each file's mode as <see cref="ContextStager"/> set it on
/// disk, as 'docker build' on the folder would send it — so the engine sees the same context for the same files,
/// wherever and whenever they were published.
/// </summary>
public static class ContextArchive
{
    public static void Write(string contextDirectory, Stream output, DateTimeOffset fileTime)
    {
        var root = Path.GetFullPath(contextDirectory);
        var ignoredTopLevel = TopLevelEntriesNotInImage(root);
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        var entries = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Name: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Where(entry => !ignoredTopLevel.Contains(entry.Name.Split('/')[0]))
            .OrderBy(entry => entry.Name, StringComparer.Ordinal);

        foreach (var (path, name) in entries)
        {
            if (Directory.Exists(path))
            {
                writer.WriteEntry(TarEntries.Directory(name + "/", fileTime));
            }
            else
            {
                TarEntries.WriteFile(writer, name, path, FileModes.Of(path), fileTime);
            }
        }
    }

    /// <summary>What .dockerignore keeps out: everything at the top but the Dockerfile, the .dockerignore and layers/.</summary>
    private static HashSet<string> TopLevelEntriesNotInImage(string root) =>
        Directory.EnumerateFileSystemEntries(root)
            .Select(Path.GetFileName)
            .Where(name => name is not (ContextStager.DockerfileName or ".dockerignore" or DockerfileWriter.LayersFolder))
            .ToHashSet(StringComparer.Ordinal)!;
}
