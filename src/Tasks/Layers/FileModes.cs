namespace Containerize.Layers;

/// <summary>
/// File modes in images and contexts: what a file gets unless a ContainerFile Mode says otherwise is 0755 when its
/// owner may execute it on disk, else 0644 — no other bit of the disk's mode (umask, group write) reaches the image.
/// </summary>
public static class FileModes
{
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    public const UnixFileMode Regular = (UnixFileMode)0b110_100_100;

    /// <summary>The permission bits a mode can set: rwx for owner, group and others, plus setuid, setgid and sticky.</summary>
    public const UnixFileMode All = (UnixFileMode)0b111_111_111_111;

    /// <summary>0755 or 0644, by whether the file at <paramref name="path"/> is executable by its owner (never on Windows).</summary>
    public static UnixFileMode Default(string path) => (Of(path) & UnixFileMode.UserExecute) != 0 ? Executable : Regular;

    /// <summary>The file's permission bits as they are on disk (Windows has none: 0644).</summary>
    public static UnixFileMode Of(string path) => OperatingSystem.IsWindows() ? Regular : File.GetUnixFileMode(path) & All;
}
