using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// One run at a time in a project's containerize folder: two publishes of one project (the same obj folder) would
/// write the same context, layers and record. The lock is a file there opened for this process alone (an flock on
/// Unix), held for the run and released when disposed — or by the system when the process ends, however it ends.
/// A second run waits for it, and says so at normal verbosity.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".containerize.lock";

    /// <summary>What a lock another handle holds throws: EWOULDBLOCK on Linux (11) and macOS (35), a sharing violation on Windows.</summary>
    private static readonly int[] HeldElsewhere = [11, 35, unchecked((int)0x80070020), unchecked((int)0x80070021)];

    private readonly FileStream file;

    private RunLock(FileStream file) => this.file = file;

    /// <summary>Takes the lock of <paramref name="folder"/> (made if missing), waiting while another run holds it.</summary>
    /// <param name="poll">How often to look again while waiting.</param>
    /// <exception cref="ContainerizeException">CTZ2021 when no lock file can be made there.</exception>
    public static async Task<RunLock> AcquireAsync(string folder, IBuildLog log, TimeSpan poll, CancellationToken cancellation)
    {
        var path = Path.Combine(folder, FileName);
        var waiting = false;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(folder);
                return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1));
            }
            catch (IOException exception) when (HeldElsewhere.Contains(exception.HResult))
            {
                if (!waiting)
                {
                    log.Info($"Waiting for another Containerize run of this project to finish (it holds {path}).");
                    waiting = true;
                }

                await Task.Delay(poll, cancellation);
            }
            catch (Exception exception) when (FileFailures.IsFileSystem(exception))
            {
                throw new ContainerizeException(Errors.IntermediateFolderFailed(folder, "take the lock of the run", exception.Message), exception);
            }
        }
    }

    public void Dispose() => file.Dispose();
}
