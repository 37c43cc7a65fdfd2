using System.Formats.Tar;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Oci;

namespace Containerize.Dockerfile;

/// <summary>
/// The files of a staged context as a builder receives them: as the tar stream the engine's build endpoint takes, or
/// entry by entry for a BuildKit daemon's file sync. Entries come in the order of a walk of the folder (a folder, then
/// what it holds, by name — the order BuildKit's file sync requires) and every tar header field is set
/// (<see cref="TarEntries"/>) — each file's mode as <see cref="ContextStager"/> set it on disk, as 'docker build' on the
/// folder would send it — so the engine sees the same context for the same files, wherever and whenever they were published.
/// </summary>
public static class ContextArchive
{
    /// <summary>One file or folder of the context.</summary>
    /// <param name="Name">Its path in the context, '/'-separated, with no leading or trailing '/'.</param>
    /// <param name="Mode">Its permission bits: the file's on disk, 0755 for a folder.</param>
    public sealed record Entry(string Name, string Path, bool IsDirectory, UnixFileMode Mode);

    /// <summary>Writes the context's tar to <paramref name="output"/>, stopping within a write of Ctrl+C (<see cref="CancellableWriteStream"/>).</summary>
    public static void Write(string contextDirectory, Stream output, DateTimeOffset fileTime)
    {
        using var cancellable = new CancellableWriteStream(output);
        using var writer = new TarWriter(cancellable, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (var entry in Entries(contextDirectory))
        {
            if (entry.IsDirectory)
            {
                writer.WriteEntry(TarEntries.Directory(entry.Name + "/", fileTime));
            }
            else
            {
                TarEntries.WriteFile(writer, entry.Name, entry.Path, entry.Mode, fileTime);
            }
        }
    }

    /// <summary>The context's entries, in walk order: by name, '/' before any other character, so a folder's content follows it at once.</summary>
    public static IReadOnlyList<Entry> Entries(string contextDirectory)
    {
        var root = Path.GetFullPath(contextDirectory);
        var ignoredTopLevel = TopLevelEntriesNotInImage(root);
        return Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(path => (Path: path, Name: Path.GetRelativePath(root, path).Replace('\\', '/')))
            .Where(entry => !ignoredTopLevel.Contains(entry.Name.Split('/')[0]))
            .OrderBy(entry => entry.Name.Replace('/', '\0'), StringComparer.Ordinal)
            .Select(entry => Directory.Exists(entry.Path)
                ? new Entry(entry.Name, entry.Path, IsDirectory: true, FileModes.Executable)
                : new Entry(entry.Name, entry.Path, IsDirectory: false, FileModes.Of(entry.Path)))
            .ToList();
    }

    /// <summary>What .dockerignore keeps out: everything at the top but the Dockerfile, the .dockerignore and layers/.</summary>
    private static HashSet<string> TopLevelEntriesNotInImage(string root) =>
        Directory.EnumerateFileSystemEntries(root)
            .Select(Path.GetFileName)
            .Where(name => name is not (ContextStager.DockerfileName or ".dockerignore" or DockerfileWriter.LayersFolder))
            .ToHashSet(StringComparer.Ordinal)!;
}
