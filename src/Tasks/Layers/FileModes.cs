namespace Containerize.Layers;

/// <summary>The one file attribute besides content that reaches the image: whether the owner may execute it.</summary>
public static class FileModes
{
    public static bool IsExecutable(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0;
}
