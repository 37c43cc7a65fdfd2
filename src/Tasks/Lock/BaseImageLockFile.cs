using System.Text;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Lock;

/// <summary>containerize.lock.json on disk (ContainerLockFile): read for a build, written by -t:UpdateContainerLock only when its text changes.</summary>
public static class BaseImageLockFile
{
    /// <summary>The lock at <paramref name="path"/>; null when there is no file there (or no path: the lock is off).</summary>
    /// <exception cref="ContainerizeException">CTZ1082 when it cannot be read or is not a lock this version reads.</exception>
    public static BaseImageLock? Load(string path)
    {
        if (path.Length == 0 || FileKinds.OfTarget(path) == FileKind.Missing)
        {
            return null;
        }

        try
        {
            if (FileKinds.OfTarget(path) is not FileKind.File and var kind)
            {
                throw new FormatException($"it is {FileKinds.Describe(kind)}, not a file");
            }

            return BaseImageLock.Parse(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (Exception exception) when (exception is FormatException || FileFailures.IsFileSystem(exception))
        {
            throw new ContainerizeException(Errors.LockFileUnreadable(path, exception.Message.TrimEnd('.')), exception);
        }
    }

    /// <summary>Writes the lock, unless the file already holds exactly this text (then it is left alone, its time included).</summary>
    /// <returns>Whether the file was written.</returns>
    /// <exception cref="ContainerizeException">CTZ2034 when the file cannot be written.</exception>
    public static bool Write(string path, BaseImageLock baseLock)
    {
        var text = baseLock.ToJson();
        if (FileKinds.OfTarget(path) == FileKind.File && FileFailures.Guard(() => File.ReadAllText(path, Encoding.UTF8), reason => Errors.LockFileUnwritable(path, reason)) == text)
        {
            return false;
        }

        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        AtomicFile.Write(path, output => output.Write(bytes), reason => Errors.LockFileUnwritable(path, reason));
        return true;
    }
}
