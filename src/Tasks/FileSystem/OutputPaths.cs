using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// The places a run writes to, checked with the configuration, before anything is built: the containerize folder
/// (ContainerizeIntermediateDirectory) and the folder of ContainerArchiveOutputPath must be folders or makeable as
/// folders, the archive's folder must take a new file, and the archive path must not name a device, FIFO or socket
/// (the archive is written beside it and moved over it).
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

        if (archivePath.Length == 0 || Directory.Exists(archivePath))
        {
            yield break;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(archivePath))!;
        if (FileInTheWay(folder) is { } file)
        {
            yield return Errors.FileWhereAFolderMustBe("ContainerArchiveOutputPath", archivePath, file);
        }
        else if (TargetKind(archivePath) is not (FileKind.Missing or FileKind.File) and var kind)
        {
            yield return Errors.ArchivePathNotAFile(archivePath, FileKinds.Describe(kind));
        }
        else if (CannotWriteIn(folder) is { } reason)
        {
            yield return Errors.OutputFolderNotWritable("ContainerArchiveOutputPath", archivePath, folder, reason);
        }
    }

    /// <summary>The kind of what a path leads to: a link's final target (missing when the link points nowhere), or a link when it points in a circle.</summary>
    private static FileKind TargetKind(string path)
    {
        var kind = FileKinds.Of(path);
        try
        {
            return kind == FileKind.Link ? FileKinds.Of(File.ResolveLinkTarget(path, returnFinalTarget: true)!.FullName) : kind;
        }
        catch (IOException)
        {
            return FileKind.Link;
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
