using Containerize.Diagnostics;

namespace Containerize.FileSystem;

/// <summary>
/// The files an image gets from disk — the publish output and ContainerFile items — by one rule for every backend:
/// a symbolic link is followed, wherever it is (named by an item or found in a folder), and what it points to goes
/// into the image under the link's name; a link that points nowhere or in a circle, and a FIFO, socket or device, are
/// refused with a CTZ error before anything is built. Such a file is never opened: a FIFO would wait for a writer.
/// A containerize folder — one that holds a run's lock (<see cref="RunLock.FileName"/>) — is left out with everything in
/// it: its staged files would be copied into themselves, and the lock of the run in progress cannot be read.
/// </summary>
public static class SourceFiles
{
    /// <summary>As many links as the kernel follows in one path (ELOOP): a walk through more folder links is taken for a circle.</summary>
    private const int MaxFolderLinks = 40;

    /// <summary>A file of a folder: where its content is read from (a link's target) and its '/'-separated path under the folder.</summary>
    public sealed record Entry(string Path, string RelativePath);

    /// <summary>What <paramref name="path"/> names once its links are followed: that path and its kind (a file, a folder, or missing when nothing is there).</summary>
    /// <param name="what">Who named it, for the error: "ContainerFile 'certs'", "The publish output".</param>
    /// <exception cref="ContainerizeException">CTZ1061 for a link that points nowhere or in a circle, CTZ1060 for a FIFO, socket or device.</exception>
    public static (string Path, FileKind Kind) Follow(string path, string what) => Follow(path, what, FileKinds.Of, FinalTarget);

    /// <summary>
    /// The rule of <see cref="Follow(string, string)"/> over the answers it needs of a file system: what a path is, a
    /// link not followed (<paramref name="kindOf"/>, as <see cref="FileKinds.Of"/>), and where a link leads in the end
    /// (<paramref name="finalTarget"/>, as <see cref="FinalTarget"/>). Resolving the settings asks them through its own
    /// boundary (<see cref="Spec.ISpecFiles"/>), so that the same rule holds there without a disk.
    /// </summary>
    /// <inheritdoc cref="Follow(string, string)"/>
    public static (string Path, FileKind Kind) Follow(string path, string what, Func<string, FileKind> kindOf, Func<string, string?> finalTarget)
    {
        var kind = kindOf(path);
        var target = path;
        if (kind == FileKind.Link)
        {
            target = finalTarget(path) ?? throw new ContainerizeException(Errors.BrokenLink(what, path, "points in a circle (to itself, through other links)"));
            kind = kindOf(target);
            if (kind == FileKind.Missing)
            {
                throw new ContainerizeException(Errors.BrokenLink(what, path, $"points to {target}, which does not exist"));
            }
        }

        return kind is FileKind.Missing or FileKind.File or FileKind.Folder
            ? (target, kind)
            : throw new ContainerizeException(Errors.SpecialFile(what, path, FileKinds.Describe(kind)));
    }

    /// <summary>The full path the link at <paramref name="path"/> leads to once every link on the way is followed; null when the links go in a circle.</summary>
    public static string? FinalTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)!.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Opens a file the image is made of for reading; a failure is CTZ2023, which names the file.</summary>
    public static FileStream OpenRead(string path) => FileFailures.Guard(
        () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan),
        reason => Errors.SourceUnreadable(path, reason));

    /// <summary>Every file under <paramref name="folder"/>, links followed, in ordinal order of their paths.</summary>
    /// <exception cref="ContainerizeException">CTZ1060 and CTZ1061 as <see cref="Follow"/> raises them; CTZ2023 for a folder that cannot be read.</exception>
    public static IReadOnlyList<Entry> Under(string folder, string what)
    {
        var root = Path.GetFullPath(folder);
        var files = new List<Entry>();
        Walk(root, "", [root], 0, what, files);
        return files.OrderBy(file => file.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <param name="ancestors">The folders the walk is in, as it reached them: a link back to one of them is a circle.</param>
    /// <param name="links">How many folder links the walk followed to get here.</param>
    private static void Walk(string folder, string relative, List<string> ancestors, int links, string what, List<Entry> files)
    {
        var entries = FileFailures.Guard(() => Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal).ToList(),
            reason => Errors.SourceUnreadable(folder, reason, "a folder the image is made of (from the publish output or a ContainerFile item)"));
        if (entries.Any(entry => Path.GetFileName(entry) == RunLock.FileName))
        {
            return;
        }

        foreach (var entry in entries)
        {
            var name = relative + Path.GetFileName(entry);
            var (path, kind) = Follow(entry, what);
            if (kind != FileKind.Folder)
            {
                files.Add(new Entry(path, name));
                continue;
            }

            var full = Path.GetFullPath(path);
            var throughLink = full != entry;
            if (throughLink && ancestors.Contains(full, StringComparer.Ordinal))
            {
                throw new ContainerizeException(Errors.BrokenLink(what, entry, $"points in a circle (to {full}, a folder that holds the link)"));
            }

            if (throughLink && links == MaxFolderLinks)
            {
                throw new ContainerizeException(Errors.BrokenLink(what, entry, $"is the {MaxFolderLinks + 1}st link to a folder in a row (a circle through other links)"));
            }

            ancestors.Add(full);
            Walk(full, name + "/", ancestors, throughLink ? links + 1 : links, what, files);
            ancestors.RemoveAt(ancestors.Count - 1);
        }
    }
}
