using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// A file written beside its destination (….partial) and moved into place once complete, so a failed run never leaves
/// half a file under its name. The partial file's name is new each time: two runs writing one archive at once (two
/// projects with one ContainerArchiveOutputPath) each move a whole file into place, and nothing there is ever opened.
/// Writing stops within a write of Ctrl+C (<see cref="CancellableWriteStream"/>).
/// </summary>
public static class AtomicFile
{
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="ContainerizeException">CTZ1064 when a link, folder, device, FIFO or socket is in the file's place; CTZ2020 when the file cannot be written (the partial file is removed).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        if (FileKinds.Of(path) is not (FileKind.Missing or FileKind.File) and var kind)
        {
            // Checked with the configuration already (OutputPaths): never move a file over a link, device or folder.
            throw new ContainerizeException(Errors.OutputNotAFile("ContainerArchiveOutputPath", path, FileKinds.Describe(kind)));
        }

        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var output = new CancellableWriteStream(file))
            {
                write(output);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (Exception exception)
        {
            FileFailures.TryDelete(partial);
            if (FileFailures.IsFileSystem(exception))
            {
                throw new ContainerizeException(Errors.ArchiveWriteFailed(path, exception.Message), exception);
            }

            throw;
        }
    }
}
