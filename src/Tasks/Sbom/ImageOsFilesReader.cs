using System.Formats.Tar;
using System.IO.Compression;
using Containerize.Diagnostics;

namespace Containerize.Sbom;

/// <summary>
/// Finds the OS files of <see cref="ImageOsFiles"/> in an image's layers without extracting them: each layer is read
/// as a stream (gzip or plain tar), once, in order, and only the few paths that matter are kept, with the OCI layer
/// rules applied between layers — a later layer's file replaces an earlier one's, ".wh.&lt;name&gt;" deletes
/// &lt;name&gt; (and what is under it) from the layers below, ".wh..wh..opq" empties its folder of what the layers
/// below put there. Symbolic and hard links among the kept paths are followed (etc/os-release → ../usr/lib/os-release,
/// lib → usr/lib), at most 40 in a row; a link that leads elsewhere finds nothing.
/// </summary>
public static class ImageOsFilesReader
{
    /// <summary>A database larger than this is not read (CTZ2033): no real one comes near it.</summary>
    internal const long MaxFileSize = 64L << 20;

    /// <summary>The folder of dpkg's per-package status files (distroless, chiseled images): every file in it is read.</summary>
    internal const string StatusD = "var/lib/dpkg/status.d";

    /// <summary>The files whose content says what the OS and its packages are (paths in the image, without the leading '/').</summary>
    internal static readonly string[] ContentFiles = ["etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status", "lib/apk/db/installed", "usr/lib/apk/db/installed"];

    /// <summary>Where an rpm database may be: only its presence counts (CTZ2032).</summary>
    internal static readonly string[] RpmDatabases =
    [
        "var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
        "usr/lib/sysimage/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db",
    ];

    /// <summary>Every folder on the way to a kept path: a link or another file there changes what the path is.</summary>
    private static readonly HashSet<string> Folders = ContentFiles.Concat(RpmDatabases).Append(StatusD + "/x")
        .SelectMany(path => Enumerable.Range(1, path.Count(c => c == '/')).Select(depth => string.Join('/', path.Split('/').Take(depth))))
        .ToHashSet(StringComparer.Ordinal);

    /// <param name="layers">The image's layers, the base image's first.</param>
    /// <param name="baseLayerCount">How many of them are the base image's: <see cref="ImageOsScan.Base"/> is the file system after them.</param>
    public static async Task<ImageOsScan> ReadAsync(IReadOnlyList<LayerSource> layers, int baseLayerCount, CancellationToken cancellation)
    {
        var state = new Dictionary<string, Node>(StringComparer.Ordinal);
        var diagnostics = new List<Diagnostic>();
        var baseFiles = baseLayerCount <= 0 ? ImageOsFiles.None : null;
        for (var index = 0; index < layers.Count; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            var changes = await ReadLayerAsync(layers[index], diagnostics, cancellation);
            if (changes is not null)
            {
                Apply(state, changes);
            }

            if (index == baseLayerCount - 1)
            {
                baseFiles = Snapshot(state);
            }
        }

        return new ImageOsScan(baseFiles ?? Snapshot(state), Snapshot(state), diagnostics);
    }

    /// <summary>The changes one layer makes to the kept paths; null (with a CTZ2033 warning) when it cannot be read.</summary>
    private static async Task<LayerChanges?> ReadLayerAsync(LayerSource layer, List<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        try
        {
            await using var raw = layer.Open();
            var prefix = new byte[4];
            var length = 0;
            while (length < prefix.Length && await raw.ReadAsync(prefix.AsMemory(length), cancellation) is var read and > 0)
            {
                length += read;
            }

            if (length == 0)
            {
                return new LayerChanges();
            }

            if (length == 4 && prefix is [0x28, 0xB5, 0x2F, 0xFD])
            {
                diagnostics.Add(Errors.LayerNotReadForSbom(layer.Name, "it is compressed with zstd, which .NET cannot read"));
                return null;
            }

            Stream content = new PrefixedReadStream(prefix.AsMemory(0, length), raw);
            if (length >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B)
            {
                content = new GZipStream(content, CompressionMode.Decompress);
            }

            await using (content)
            {
                return await ReadTarAsync(content, layer.Name, diagnostics, cancellation);
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException or ArgumentException)
        {
            diagnostics.Add(Errors.LayerNotReadForSbom(layer.Name, exception.Message));
            return null;
        }
    }

    private static async Task<LayerChanges> ReadTarAsync(Stream content, string layerName, List<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        var changes = new LayerChanges();
        await using var reader = new TarReader(content, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellation) is { } entry)
        {
            var path = Normalize(entry.Name);
            var slash = path.LastIndexOf('/');
            var (folder, name) = slash < 0 ? ("", path) : (path[..slash], path[(slash + 1)..]);
            if (name == ".wh..wh..opq")
            {
                changes.OpaqueFolders.Add(folder);
                continue;
            }

            if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                changes.Deleted.Add(folder.Length == 0 ? name[4..] : $"{folder}/{name[4..]}");
                continue;
            }

            var kind = Kind(path, folder);
            if (kind == PathKind.Ignored)
            {
                continue;
            }

            changes.Entries.Add((path, entry.EntryType switch
            {
                TarEntryType.SymbolicLink => new Link(Normalize(entry.LinkName.StartsWith('/') ? entry.LinkName : $"{folder}/{entry.LinkName}")),
                TarEntryType.HardLink => new Link(Normalize(entry.LinkName)),
                TarEntryType.Directory => new Folder(),
                TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => kind switch
                {
                    PathKind.Content => await ContentAsync(entry, path, layerName, diagnostics, cancellation),
                    PathKind.Presence => new File([]),
                    _ => new Other(),
                },
                _ => new Other(),
            }));
        }

        return changes;
    }

    private static async Task<Node> ContentAsync(TarEntry entry, string path, string layerName, List<Diagnostic> diagnostics, CancellationToken cancellation)
    {
        if (entry.Length > MaxFileSize)
        {
            diagnostics.Add(Errors.LayerNotReadForSbom(layerName, $"/{path} has {entry.Length} bytes, more than the {MaxFileSize >> 20} MiB read"));
            return new Other();
        }

        var data = new byte[entry.Length];
        if (entry.DataStream is { } stream)
        {
            await stream.ReadExactlyAsync(data, cancellation);
        }

        return new File(data);
    }

    private static PathKind Kind(string path, string folder) =>
        ContentFiles.Contains(path) || folder == StatusD ? PathKind.Content
        : RpmDatabases.Contains(path) ? PathKind.Presence
        : Folders.Contains(path) ? PathKind.Folder
        : PathKind.Ignored;

    private static void Apply(Dictionary<string, Node> state, LayerChanges changes)
    {
        foreach (var folder in changes.OpaqueFolders)
        {
            RemoveUnder(state, folder);
        }

        foreach (var path in changes.Deleted)
        {
            state.Remove(path);
            RemoveUnder(state, path);
        }

        foreach (var (path, node) in changes.Entries)
        {
            if (node is not Folder)
            {
                RemoveUnder(state, path);
            }

            state[path] = node;
        }
    }

    private static void RemoveUnder(Dictionary<string, Node> state, string folder)
    {
        var prefix = folder.Length == 0 ? "" : folder + "/";
        foreach (var key in state.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && key != folder).ToList())
        {
            state.Remove(key);
        }
    }

    private static ImageOsFiles Snapshot(Dictionary<string, Node> state)
    {
        byte[]? Content(string path) => Resolve(state, path).Node is File file ? file.Content : null;

        var statusD = Resolve(state, StatusD).Path;
        var statusFiles = state.Keys
            .Where(key => key.StartsWith(statusD + "/", StringComparison.Ordinal) && key.IndexOf('/', statusD.Length + 1) < 0)
            .Where(key => !key.EndsWith(".md5sums", StringComparison.Ordinal) && !key.EndsWith(".list", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(key => (Name: key[(statusD.Length + 1)..], Content: Content(key)))
            .Where(file => file.Content is not null)
            .Select(file => new KeyValuePair<string, byte[]>(file.Name, file.Content!))
            .ToList();
        return new ImageOsFiles(
            Content("etc/os-release") ?? Content("usr/lib/os-release"),
            Content("var/lib/dpkg/status"),
            statusFiles,
            Content("lib/apk/db/installed") ?? Content("usr/lib/apk/db/installed"),
            RpmDatabases.FirstOrDefault(path => Resolve(state, path).Node is File));
    }

    /// <summary>The path with every link on the way followed (at most 40), and what is there.</summary>
    private static (string Path, Node? Node) Resolve(Dictionary<string, Node> state, string path)
    {
        for (var hops = 0; hops <= 40; hops++)
        {
            var parts = path.Split('/');
            var followed = false;
            for (var depth = 1; depth <= parts.Length; depth++)
            {
                var prefix = string.Join('/', parts.Take(depth));
                if (state.GetValueOrDefault(prefix) is Link link)
                {
                    path = Normalize(string.Join('/', parts.Skip(depth).Prepend(link.Target)));
                    followed = true;
                    break;
                }
            }

            if (!followed)
            {
                return (path, state.GetValueOrDefault(path));
            }
        }

        return (path, null);
    }

    /// <summary>A path in the image without the leading "/" or "./", "." and ".." resolved (never above the root), no trailing "/".</summary>
    internal static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    private enum PathKind
    {
        Ignored,
        Content,
        Presence,
        Folder,
    }

    private abstract record Node;

    private sealed record File(byte[] Content) : Node;

    /// <summary>A symbolic or hard link; its target as a normalized path in the image.</summary>
    private sealed record Link(string Target) : Node;

    private sealed record Folder : Node;

    /// <summary>Something that hides what the layers below had at its path: a device, a FIFO, a file too large, a file where a folder was.</summary>
    private sealed record Other : Node;

    private sealed class LayerChanges
    {
        public List<string> OpaqueFolders { get; } = [];

        public List<string> Deleted { get; } = [];

        public List<(string Path, Node Node)> Entries { get; } = [];
    }
}
