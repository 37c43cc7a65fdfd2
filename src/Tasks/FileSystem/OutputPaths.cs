using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// The places a run writes to, checked with the configuration, before anything is built: the containerize folder
/// (ContainerizeIntermediateDirectory) and the folder of ContainerArchiveOutputPath (or ContainerDockerfileOutputPath)
/// must be folders or makeable as folders, the archive's folder must take a new file, and a file written must not be
/// a device, FIFO or socket (never opened: that could wait for ever).
/// </summary>
public static class OutputPaths
{
    /// <summary>The file that stands where <paramref name="folder"/> or a folder above it must be, or null when it is a folder or can be made.</summary>
    public static string? FileInTheWay(string folder)
    {
        for (var path = Path.GetFullPath(folder); path is not null; path = Path.GetDirectoryName(path))
        {
            if (Directory.Exists(path))
            {
                return null;
            }

            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <param name="contextDirectory">The containerize folder of the project.</param>
    /// <param name="archivePath">ContainerArchiveOutputPath, or empty.</param>
    public static IEnumerable<Diagnostic> Check(string contextDirectory, string archivePath)
    {
        if (FileInTheWay(contextDirectory) is { } inTheWay)
        {
            yield return Errors.FileWhereAFolderMustBe("ContainerizeIntermediateDirectory", contextDirectory, inTheWay);
        }

        if (archivePath.Length == 0 || Directory.Exists(archivePath)) // a folder: CTZ1030
        {
            yield break;
        }

        var folder = Path.GetDirectoryName(WrittenPath(archivePath))!;
        if (CheckFile("ContainerArchiveOutputPath", archivePath) is { } problem)
        {
            yield return problem;
        }
        else if (CannotWriteIn(folder) is { } reason)
        {
            yield return Errors.OutputFolderNotWritable("ContainerArchiveOutputPath", archivePath, folder, reason);
        }
    }

    /// <summary>
    /// What stands in the way of writing a file at <paramref name="path"/> (where a link leads: <see cref="WrittenPath"/>):
    /// a file where its folder (or one above) must be (CTZ1062), or a folder, device, FIFO or socket in its place (CTZ1064);
    /// null when nothing does.
    /// </summary>
    /// <param name="setting">The property that names the file, for the error.</param>
    public static Diagnostic? CheckFile(string setting, string path)
    {
        var target = WrittenPath(path);
        return FileInTheWay(Path.GetDirectoryName(target)!) is { } file ? Errors.FileWhereAFolderMustBe(setting, path, file)
            : FileKinds.OfTarget(path) is not (FileKind.Missing or FileKind.File) and var kind ? Errors.OutputNotAFile(setting, path, FileKinds.Describe(kind))
            : null;
    }

    /// <summary>
    /// Where a file written to <paramref name="path"/> goes, as a shell's redirection and cp write: through a link, to
    /// the file it finally points to (which need not exist yet) — never over the link itself, which could be a system's
    /// (/dev/stdout → /proc/self/fd/1 → the build's log file). A link to a device, FIFO, socket or folder stays as it is,
    /// for <see cref="CheckFile"/> to refuse; a link in a circle is written over. The full path either way.
    /// </summary>
    public static string WrittenPath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return FileKinds.Of(full) == FileKind.Link && FileKinds.OfTarget(full) is FileKind.File or FileKind.Missing
                ? File.ResolveLinkTarget(full, returnFinalTarget: true)!.FullName
                : full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    /// <summary>The file made to see whether a folder takes new files: one name per process, shared by its runs, removed when closed.</summary>
    public static string ProbeName => $".containerize-probe-{Environment.ProcessId}";

    /// <summary>Why no new file can be made in <paramref name="folder"/> (made first if missing), or null when one can: a file is made there and removed.</summary>
    private static string? CannotWriteIn(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            using (new FileStream(Path.Combine(folder, ProbeName), FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.DeleteOnClose))
            {
                return null;
            }
        }
        catch (Exception exception) when (FileFailures.IsFileSystem(exception))
        {
            return exception.Message;
        }
    }
}
