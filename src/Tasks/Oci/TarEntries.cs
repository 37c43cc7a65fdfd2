using System.Formats.Tar;

namespace Containerize.Oci;

/// <summary>
/// Tar entries whose every header field is set here: GNU format (a long name goes into a GNU long-name entry that
/// System.Formats.Tar fills with constants, never into a PAX header named after the process id), owner root with no
/// user or group name, one time for modification, access and change, 0755 for folders and executables, 0644 otherwise.
/// </summary>
internal static class TarEntries
{
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    public const UnixFileMode Regular = (UnixFileMode)0b110_100_100;

    /// <summary>A folder entry; <paramref name="name"/> ends with '/'.</summary>
    public static GnuTarEntry Directory(string name, DateTimeOffset time) => Create(TarEntryType.Directory, name, Executable, time);

    public static GnuTarEntry File(string name, bool executable, DateTimeOffset time) =>
        Create(TarEntryType.RegularFile, name, executable ? Executable : Regular, time);

    /// <summary>Writes a regular file entry with the content of the file at <paramref name="path"/>, streamed.</summary>
    public static void WriteFile(TarWriter writer, string name, string path, bool executable, DateTimeOffset time)
    {
        using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var entry = File(name, executable, time);
        entry.DataStream = content;
        writer.WriteEntry(entry);
    }

    /// <summary>Writes a regular 0644 file entry holding <paramref name="content"/>.</summary>
    public static void WriteFile(TarWriter writer, string name, byte[] content, DateTimeOffset time)
    {
        using var data = new MemoryStream(content, writable: false);
        var entry = File(name, executable: false, time);
        entry.DataStream = data;
        writer.WriteEntry(entry);
    }

    private static GnuTarEntry Create(TarEntryType type, string name, UnixFileMode mode, DateTimeOffset time) =>
        new(type, name)
        {
            ModificationTime = time,
            AccessTime = time,
            ChangeTime = time,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            Mode = mode,
        };
}
