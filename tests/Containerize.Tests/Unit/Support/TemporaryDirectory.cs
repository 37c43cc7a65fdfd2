namespace Containerize.Tests.Unit.Support;

/// <summary>A fresh folder under the temp directory, removed on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    /// <summary>The folder every temporary directory of the unit tests is in.</summary>
    public static readonly string Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "containerize-unit");

    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <summary>Writes a file (creating its folders) and returns its full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
