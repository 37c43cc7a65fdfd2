using System.Text.RegularExpressions;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// The files the image gets besides the app, and the folders it lets the app write: ContainerFile items (a source on
/// disk that is a file or a folder, a destination, an owner and a mode) and ContainerWritableDirectory.
/// </summary>
internal static class ContainerFilesResolver
{
    private static readonly Regex ModePattern = new(@"^0?[0-7]{3}$", RegexOptions.CultureInvariant);

    /// <summary>The ContainerFile items as copies into the image; each source is asked of <paramref name="files"/> (what it is, never opened).</summary>
    public static IReadOnlyList<FileCopy> ResolveFiles(IReadOnlyList<FileSetting> items, ISpecFiles files, ICollection<Diagnostic> diagnostics)
    {
        var result = new List<FileCopy>();
        foreach (var file in items)
        {
            if (SettingRules.KindOf(file.Source, $"ContainerFile '{file.Include}'", files, diagnostics) is not { } kind)
            {
                continue;
            }

            var isFolder = kind == FileKind.Folder;
            if (kind == FileKind.Missing)
            {
                diagnostics.Add(Errors.ContainerFileMissing(file.Include, file.Source));
            }
            else if (!SettingRules.ImagePathPattern.IsMatch(file.Destination) || file.Destination.TrimEnd('/').Length == 0)
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Destination", file.Destination,
                    "an absolute path other than '/', made of letters, digits and '/', '.', '_', '-', '@', '+' (a folder when it ends with '/' or the item is a folder)"));
            }
            else if (file.Owner.Length > 0 && !SettingRules.UserPattern.IsMatch(file.Owner))
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Owner", file.Owner, "a user[:group], by name or number (for example: 1654 or app:app)"));
            }
            else if (file.Mode.Length > 0 && !ModePattern.IsMatch(file.Mode))
            {
                diagnostics.Add(Errors.InvalidContainerFile(file.Include, "Mode", file.Mode, "octal permission bits such as 0644, 0600 or 0755"));
            }
            else
            {
                var mode = file.Mode.Length == 0 ? (UnixFileMode?)null : (UnixFileMode)Convert.ToInt32(file.Mode, 8);
                result.Add(new FileCopy(file.Source, isFolder ? file.Destination.TrimEnd('/') + "/" : file.Destination, file.Owner, mode));
            }
        }

        return result;
    }

    /// <summary>ContainerWritableDirectory: absolute paths other than "/", without a trailing "/", each once.</summary>
    public static IReadOnlyList<string> ResolveWritableDirectories(IReadOnlyList<string> directories, ICollection<Diagnostic> diagnostics)
    {
        foreach (var directory in directories.Where(directory => !SettingRules.ImagePathPattern.IsMatch(directory) || directory.TrimEnd('/').Length == 0))
        {
            diagnostics.Add(Errors.InvalidWritableDirectory(directory));
        }

        return directories.Select(directory => directory.TrimEnd('/')).Distinct(StringComparer.Ordinal).ToList();
    }
}
