using System.Formats.Tar;
using Containerize.Layers;

namespace Containerize.Dockerfile;

/// <summary>
/// Writes a staged context folder as the tar stream the engine's build endpoint takes. Entries are sorted and
/// every header field is set (owner root, fixed time, 0755 for folders and executables, 0644 otherwise), so the
/// engine sees the same context for the same files, wherever and whenever they were published.
/// </summary>
public static class ContextArchive
{
    private const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Regular = (UnixFileMode)0b110_100_100;

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
            var isDirectory = Directory.Exists(path);
            var entry = new GnuTarEntry(isDirectory ? TarEntryType.Directory : TarEntryType.RegularFile, isDirectory ? name + "/" : name)
            {
                ModificationTime = fileTime,
                AccessTime = fileTime,
                ChangeTime = fileTime,
                Uid = 0,
                Gid = 0,
                UserName = "",
                GroupName = "",
                Mode = isDirectory || FileModes.IsExecutable(path) ? Executable : Regular,
            };

            if (isDirectory)
            {
                writer.WriteEntry(entry);
                continue;
            }

            using var content = File.OpenRead(path);
            entry.DataStream = content;
            writer.WriteEntry(entry);
        }
    }

    /// <summary>What .dockerignore keeps out: everything at the top but the Dockerfile, the .dockerignore and layers/.</summary>
    private static HashSet<string> TopLevelEntriesNotInImage(string root) =>
        Directory.EnumerateFileSystemEntries(root)
            .Select(Path.GetFileName)
            .Where(name => name is not (ContextStager.DockerfileName or ".dockerignore" or DockerfileWriter.LayersFolder))
            .ToHashSet(StringComparer.Ordinal)!;
}
