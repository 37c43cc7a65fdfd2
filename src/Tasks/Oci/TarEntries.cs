using System.Formats.Tar;
using Containerize.FileSystem;
using Containerize.Layers;

namespace Containerize.Oci;

/// <summary>
/// Tar entries whose every header field is set here: GNU format (a long name goes into a GNU long-name entry that
/// System.Formats.Tar fills with constants, never into a PAX header named after the process id), a numeric owner
/// (root unless given) with no user or group name, one time for modification, access and change, 0755 for folders.
/// </summary>
internal static class TarEntries
{
    /// <summary>A folder entry; <paramref name="name"/> ends with '/'.</summary>
    public static GnuTarEntry Directory(string name, DateTimeOffset time, int uid = 0, int gid = 0) =>
        Create(TarEntryType.Directory, name, FileModes.Executable, time, uid, gid);

    /// <summary>Writes a regular file entry with the content of the file at <paramref name="path"/>, streamed: exactly its size when opened (CTZ2024 when it changes meanwhile).</summary>
    public static void WriteFile(TarWriter writer, string name, string path, UnixFileMode mode, DateTimeOffset time, int uid = 0, int gid = 0)
    {
        using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var sized = new SizedReadStream(content, path);
        WriteFile(writer, name, sized, mode, time, uid, gid);
        sized.RequireEnd();
    }

    /// <summary>Writes a regular 0644 file entry holding <paramref name="content"/>.</summary>
    public static void WriteFile(TarWriter writer, string name, byte[] content, DateTimeOffset time)
    {
        using var data = new MemoryStream(content, writable: false);
        WriteFile(writer, name, data, FileModes.Regular, time, 0, 0);
    }

    /// <summary>Writes a regular file entry with what is left of <paramref name="content"/> (a seekable stream: its length goes into the header).</summary>
    public static void WriteFile(TarWriter writer, string name, Stream content, UnixFileMode mode, DateTimeOffset time, int uid, int gid)
    {
        var entry = Create(TarEntryType.RegularFile, name, mode, time, uid, gid);
        entry.DataStream = content;
        writer.WriteEntry(entry);
    }

    private static GnuTarEntry Create(TarEntryType type, string name, UnixFileMode mode, DateTimeOffset time, int uid, int gid) =>
        new(type, name)
        {
            ModificationTime = time,
            AccessTime = time,
            ChangeTime = time,
            Uid = uid,
            Gid = gid,
            UserName = "",
            GroupName = "",
            Mode = mode,
        };
}
