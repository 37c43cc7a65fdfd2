using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Spec;

namespace Containerize.Layers;

/// <summary>A ContainerFile item as the image gets it: the folder its files go to ('/'-less, "" for the root) and those files.</summary>
/// <param name="IsFolder">True when the item names a folder (whose files keep their paths under <paramref name="Folder"/>).</param>
public sealed record PlacedItem(FileCopy Item, string Folder, bool IsFolder, IReadOnlyList<LayerFile> Files)
{
    /// <summary>A file's absolute path in the image.</summary>
    public string ImagePath(LayerFile file) => $"{Folder}/{file.RelativePath}";
}

/// <summary>
/// Splits the publish output into layers ordered from least to most often changed, so that a code change
/// touches only the last one: runtime, packages, volatile dependencies, app host, app. Empty layers are left out.
/// The files come from <see cref="SourceFiles"/>: links followed, FIFOs, sockets and devices refused (CTZ1060, CTZ1061).
/// </summary>
public static class LayerPlanner
{
    public const string Runtime = "1-runtime";
    public const string Packages = "2-packages";
    public const string VolatileDependencies = "3-volatile";
    public const string AppHost = "4-apphost";
    public const string App = "5-app";

    /// <summary>The app's layers in image order.</summary>
    public static readonly IReadOnlyList<string> AppLayerNames = [Runtime, Packages, VolatileDependencies, AppHost, App];

    /// <param name="publishDirectory">The publish output; every file in it is placed in one layer, or left out when <paramref name="published"/> does not list it.</param>
    /// <param name="assemblyName">The app's name: its apphost is the file of that name at the top.</param>
    /// <param name="origins">ResolvedFileToPublish origins by relative path ('/'-separated); files not listed are the app's own.</param>
    /// <param name="published">The relative paths this publish produced ('/'-separated), or null to take every file of the folder.</param>
    public static IReadOnlyList<Layer> Plan(string publishDirectory, string assemblyName, IReadOnlyDictionary<string, PublishedFileOrigin> origins, IReadOnlySet<string>? published = null)
    {
        var files = SourceFiles.Under(publishDirectory, $"The publish output {publishDirectory}")
            .Select(file => new LayerFile(file.Path, file.RelativePath))
            .Where(file => published is null || published.Contains(file.RelativePath));

        var layers = files.GroupBy(file => Classify(file.RelativePath, assemblyName, origins)).ToDictionary(group => group.Key, group => group.ToList());
        return AppLayerNames.Where(layers.ContainsKey).Select(name => new Layer(name, layers[name])).ToList();
    }

    /// <summary>
    /// The files of the publish folder that this publish did not produce (left over from an earlier publish, or put there
    /// by hand), by relative path in ordinal order: <see cref="Plan"/> leaves them out. None when the folder does not exist.
    /// </summary>
    public static IReadOnlyList<string> Unpublished(string publishDirectory, IReadOnlySet<string> published) =>
        Directory.Exists(publishDirectory)
            ? SourceFiles.Under(publishDirectory, $"The publish output {publishDirectory}").Select(file => file.RelativePath).Where(path => !published.Contains(path)).ToList()
            : [];

    /// <summary>The context folder names of the extra files' layers: files-1, files-2, …</summary>
    public const string FilesPrefix = "files-";

    /// <summary>
    /// The layers of the ContainerFile items: one per destination folder and owner, in the order the items first name
    /// them; a file goes into its Destination folder (or is renamed to it), a folder's files keep their paths under it.
    /// </summary>
    public static IReadOnlyList<Layer> PlanFiles(IReadOnlyList<FileCopy> copies) => GroupFiles(PlaceFiles(copies));

    /// <summary>What each ContainerFile item puts where, in the order of the items (a folder's files in ordinal order): what <see cref="GroupFiles"/> makes layers of.</summary>
    /// <exception cref="ContainerizeException">CTZ1060 and CTZ1061 as <see cref="SourceFiles"/> raises them.</exception>
    public static IReadOnlyList<PlacedItem> PlaceFiles(IReadOnlyList<FileCopy> copies)
    {
        var placed = new List<PlacedItem>();
        foreach (var copy in copies)
        {
            var what = $"ContainerFile '{copy.Source}'";
            var (source, kind) = SourceFiles.Follow(copy.Source, what);
            var isFolder = kind == FileKind.Folder;
            var folder = isFolder || copy.Destination.EndsWith('/') ? copy.Destination.TrimEnd('/') : copy.Destination[..copy.Destination.LastIndexOf('/')];
            IReadOnlyList<LayerFile> files = isFolder
                ? SourceFiles.Under(source, what).Select(file => new LayerFile(file.Path, file.RelativePath) { Mode = copy.Mode }).ToList()
                : [new LayerFile(source, copy.Destination.EndsWith('/') ? Path.GetFileName(copy.Source) : copy.Destination[(copy.Destination.LastIndexOf('/') + 1)..]) { Mode = copy.Mode }];
            placed.Add(new PlacedItem(copy, folder, isFolder, files));
        }

        return placed;
    }

    /// <summary>The layers of <see cref="PlanFiles"/>, from the placed items (an empty folder's item too: its layer makes the folder).</summary>
    /// <exception cref="ContainerizeException">CTZ1039 when two different files go to one path.</exception>
    public static IReadOnlyList<Layer> GroupFiles(IReadOnlyList<PlacedItem> placed)
    {
        var groups = new List<(string Folder, string Owner, Dictionary<string, LayerFile> Files)>();
        foreach (var (copy, folder, _, files) in placed)
        {
            var group = groups.FirstOrDefault(existing => existing.Folder == folder && existing.Owner == copy.Owner);
            if (group.Files is null)
            {
                group = (folder, copy.Owner, new Dictionary<string, LayerFile>(StringComparer.Ordinal));
                groups.Add(group);
            }

            foreach (var file in files)
            {
                if (group.Files.TryGetValue(file.RelativePath, out var existing) && existing.SourcePath != file.SourcePath)
                {
                    throw new ContainerizeException(Errors.ContainerFileTwice($"{folder}/{file.RelativePath}"));
                }

                group.Files[file.RelativePath] = file;
            }
        }

        return groups.Select((group, index) => new Layer(FilesPrefix + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                group.Files.Values.OrderBy(file => file.RelativePath, StringComparer.Ordinal).ToList())
            {
                Destination = group.Folder.Length == 0 ? "/" : group.Folder,
                Owner = group.Owner,
            })
            .ToList();
    }

    private static string Classify(string relativePath, string assemblyName, IReadOnlyDictionary<string, PublishedFileOrigin> origins)
    {
        if (origins.TryGetValue(relativePath, out var origin))
        {
            if (origin.IsRuntimePack)
            {
                return Runtime;
            }

            if (origin.FromProjectReference || (origin.PackageId.Length > 0 && origin.IsPrerelease))
            {
                return VolatileDependencies;
            }

            if (origin.PackageId.Length > 0)
            {
                return Packages;
            }
        }

        var isTopLevel = !relativePath.Contains('/');
        var isAppHost = isTopLevel && (relativePath == assemblyName
            || relativePath.EndsWith(".deps.json", StringComparison.OrdinalIgnoreCase)
            || relativePath.EndsWith(".runtimeconfig.json", StringComparison.OrdinalIgnoreCase));
        return isAppHost ? AppHost : App;
    }
}
