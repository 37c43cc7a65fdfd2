using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// All that resolving the settings asks of the disk: what a path the project names is (a ContainerFile item's source,
/// ContainerDockerfile), where a link leads, whether a build secret's file is there, and the text of the user's
/// Dockerfile. <see cref="SpecResolver"/> does no I/O of its own, only through this, so a test can answer with a fake;
/// a build answers from the disk (<see cref="DiskSpecFiles"/>).
/// </summary>
public interface ISpecFiles
{
    /// <summary>What <paramref name="path"/> is, a link not followed (as <see cref="FileKinds.Of"/>): a file, a folder, a link, a FIFO, socket or device, or missing.</summary>
    FileKind KindOf(string path);

    /// <summary>The full path the link at <paramref name="path"/> leads to once every link on the way is followed; null when the links go in a circle.</summary>
    string? LinkTarget(string path);

    /// <summary>The text of the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">Or an <see cref="UnauthorizedAccessException"/>: the file cannot be read, why in its message.</exception>
    string ReadText(string path);
}
