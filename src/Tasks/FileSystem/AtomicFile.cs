using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// A file written beside its destination (….partial) and moved into place once complete, so a failed run never leaves
/// half a file under its name. The partial file's name is new each time: two runs writing one archive at once (two
/// projects with one ContainerArchiveOutputPath) each move a whole file into place, and nothing there is ever opened.
/// Writing stops within a write of Ctrl+C (<see cref="CancellableWriteStream"/>, or the token of <see cref="WriteArchiveAsync"/>).
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes an image archive (ContainerArchiveOutputPath, or the archive an engine loads).</summary>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="ContainerizeException">CTZ1064 when a link, folder, device, FIFO or socket is in the file's place; CTZ2020 when the file cannot be written (the partial file is removed).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        RefuseAnythingButAFile(path);
        Write(path, write, reason => Errors.ArchiveWriteFailed(path, reason));
    }

    /// <summary>Writes an image archive as <see cref="Write(string, Action{Stream})"/> does, from an asynchronous source (the engine's docker save).</summary>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <exception cref="ContainerizeException">CTZ1064 when a link, folder, device, FIFO or socket is in the file's place; CTZ2020 when the file cannot be written (the partial file is removed).</exception>
    public static async Task WriteArchiveAsync(string path, Func<Stream, Task> write)
    {
        RefuseAnythingButAFile(path);
        var partial = PartialName(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using (var file = Create(partial))
            {
                await write(file);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (Exception exception)
        {
            Abandon(partial, exception, reason => Errors.ArchiveWriteFailed(path, reason));
            throw;
        }
    }

    /// <summary>
    /// Writes a file of Containerize's own (the build record, container-image.json): whatever is in its place is
    /// replaced (a rename never opens it).
    /// </summary>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="failed">The error for a file-system failure, made of the system's reason (the partial file is removed).</param>
    public static void Write(string path, Action<Stream> write, Func<string, Diagnostic> failed)
    {
        var partial = PartialName(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var file = Create(partial))
            using (var output = new CancellableWriteStream(file))
            {
                write(output);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch (Exception exception)
        {
            Abandon(partial, exception, failed);
            throw;
        }
    }

    /// <summary>Checked with the configuration already (OutputPaths): never move a file over a link, device or folder the user named.</summary>
    private static void RefuseAnythingButAFile(string path)
    {
        if (FileKinds.Of(path) is not (FileKind.Missing or FileKind.File) and var kind)
        {
            throw new ContainerizeException(Errors.OutputNotAFile("ContainerArchiveOutputPath", path, FileKinds.Describe(kind)));
        }
    }

    private static string PartialName(string path) => $"{path}.{Guid.NewGuid():N}.partial";

    /// <summary>A new file only: whatever is already there (a FIFO left behind) is never opened.</summary>
    private static FileStream Create(string partial) => new(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

    /// <summary>Removes the partial file; a file-system failure is thrown as the error <paramref name="failed"/> makes, anything else is left for the caller to throw again.</summary>
    private static void Abandon(string partial, Exception exception, Func<string, Diagnostic> failed)
    {
        FileFailures.TryDelete(partial);
        if (FileFailures.IsFileSystem(exception))
        {
            throw new ContainerizeException(failed(exception.Message), exception);
        }
    }
}
