using System.Runtime.InteropServices;

namespace Containerize.FileSystem;

/// <summary>What a path on disk is, as lstat(2) sees it: a link is a link, not what it points to.</summary>
public enum FileKind
{
    Missing,
    File,
    Folder,
    Link,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}

/// <summary>
/// The kind of a path without opening it (a FIFO opened for reading waits for a writer; a device can be read for ever)
/// and without following a link. .NET tells folders and links apart but calls a FIFO, a socket and a device files, so on
/// Unix the kind comes from the runtime's own lstat (libSystem.Native's SystemNative_LStat, whose FileStatus starts with
/// the 32-bit flags and then the 32-bit mode in every .NET version); Windows has no such files, and where that call is
/// not there .NET's own view is used (links and folders told apart, the rest taken for files).
/// </summary>
public static class FileKinds
{
    private const int TypeMask = 0xF000;

    /// <summary>False where the runtime's lstat cannot be called (Windows, or a host without libSystem.Native): .NET's view is used there.</summary>
    private static bool nativeStatus = !OperatingSystem.IsWindows();

    public static FileKind Of(string path) => Kind(path, followLinks: false);

    /// <summary>
    /// The kind of what <paramref name="path"/> leads to, every link followed as the system follows it — /proc's too
    /// (/dev/stdout → /proc/self/fd/1 → a pipe is a FIFO); missing when a link points nowhere or in a circle.
    /// </summary>
    public static FileKind OfTarget(string path) => Kind(path, followLinks: true);

    private static FileKind Kind(string path, bool followLinks)
    {
        var status = new byte[256];
        try
        {
            if (!nativeStatus)
            {
                var kind = ManagedKind(path);
                return followLinks && kind == FileKind.Link ? (Directory.Exists(path) ? FileKind.Folder : File.Exists(path) ? FileKind.File : FileKind.Missing) : kind;
            }

            if ((followLinks ? Native.Stat(path, status) : Native.LStat(path, status)) != 0)
            {
                return FileKind.Missing;
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            nativeStatus = false;
            return ManagedKind(path);
        }

        return (BitConverter.ToInt32(status, 4) & TypeMask) switch
        {
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x4000 => FileKind.Folder,
            0x6000 => FileKind.BlockDevice,
            0xA000 => FileKind.Link,
            0xC000 => FileKind.Socket,
            _ => FileKind.File,
        };
    }

    /// <summary>What .NET tells: a link, a folder, a file (a FIFO, socket or device among them), or missing.</summary>
    private static FileKind ManagedKind(string path)
    {
        var info = new FileInfo(path);
        return !info.Exists && !Directory.Exists(path) && info.LinkTarget is null ? FileKind.Missing
            : info.LinkTarget is not null ? FileKind.Link
            : Directory.Exists(path) ? FileKind.Folder : FileKind.File;
    }

    /// <summary>How the kind is named in messages ("a FIFO (named pipe)", "a socket", …).</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Link => "a symbolic link",
        FileKind.Folder => "a folder",
        _ => "a file",
    };

    private static class Native
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
        public static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
    }
}
