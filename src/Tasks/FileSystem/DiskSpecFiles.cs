using Containerize.Spec;

namespace Containerize.FileSystem;

/// <summary>The disk's answers to what resolving the settings asks (<see cref="ISpecFiles"/>): the one a build resolves with.</summary>
public sealed class DiskSpecFiles : ISpecFiles
{
    public static readonly DiskSpecFiles Instance = new();

    private DiskSpecFiles()
    {
    }

    public FileKind KindOf(string path) => FileKinds.Of(path);

    public string? LinkTarget(string path) => SourceFiles.FinalTarget(path);

    public string ReadText(string path) => File.ReadAllText(path);
}
