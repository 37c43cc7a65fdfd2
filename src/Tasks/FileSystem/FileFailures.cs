using System.Net.Http;
using System.Net.Sockets;
using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// File-system failures made into CTZ errors where the work is known (what was being done, how to fix it), and
/// cleanup that never replaces the error that made it necessary.
/// </summary>
public static class FileFailures
{
    /// <summary>
    /// True for what a failed file-system call throws: an <see cref="IOException"/> (a missing folder, a file where a
    /// folder must be, a full disk, too many levels of links, …) or a refused access — not a network stream's I/O error.
    /// </summary>
    public static bool IsFileSystem(Exception exception) =>
        exception is UnauthorizedAccessException
        || (exception is IOException and not HttpIOException && exception.InnerException is not SocketException);

    /// <summary>Runs <paramref name="work"/>; a file-system failure becomes the error <paramref name="diagnostic"/> makes of its message.</summary>
    public static T Guard<T>(Func<T> work, Func<string, Diagnostic> diagnostic)
    {
        try
        {
            return work();
        }
        catch (Exception exception) when (IsFileSystem(exception))
        {
            throw new ContainerizeException(diagnostic(exception.Message), exception);
        }
    }

    /// <inheritdoc cref="Guard{T}(Func{T}, Func{string, Diagnostic})"/>
    public static void Guard(Action work, Func<string, Diagnostic> diagnostic) => Guard(() =>
    {
        work();
        return true;
    }, diagnostic);

    /// <inheritdoc cref="Guard{T}(Func{T}, Func{string, Diagnostic})"/>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> work, Func<string, Diagnostic> diagnostic)
    {
        try
        {
            return await work();
        }
        catch (Exception exception) when (IsFileSystem(exception))
        {
            throw new ContainerizeException(diagnostic(exception.Message), exception);
        }
    }

    /// <summary>
    /// Deletes a file if it is there, as cleanup after a failure or after use: a file that cannot be deleted is left
    /// behind (it is a temporary or a partial file, never one under its final name), so the error that made the
    /// cleanup necessary is the one reported.
    /// </summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (IsFileSystem(exception))
        {
            // Left behind: the next run writes over it or removes it.
        }
    }
}
