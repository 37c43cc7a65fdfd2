using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// A file written beside its destination (….partial) and moved into place once complete, so a failed run never leaves
/// half a file under its name. A partial file an earlier run left is removed first, never opened (it could be a FIFO).
/// Writing stops within a write of Ctrl+C (<see cref="CancellableWriteStream"/>).
/// </summary>
public static class AtomicFile
{
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="ContainerizeException">CTZ2020 when the file cannot be written; the partial file is removed.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var partial = path + ".partial";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            FileFailures.TryDelete(partial);
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
