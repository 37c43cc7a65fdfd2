using Containerize.Diagnostics;
using Containerize.Spec;

namespace Containerize.Layers;

/// <summary>
/// CTZ1071: a ContainerFile item's file at a path of the image where the publish output puts a file too. The app's
/// layers are copied after the ContainerFile layers — in the generated Dockerfile and in the daemonless image alike —
/// so the image holds the publish output's file and the item's is hidden under it. Pure: the layers are already planned.
/// </summary>
public static class ShadowedFiles
{
    /// <param name="items">What the ContainerFile items put where (<see cref="LayerPlanner.PlaceFiles"/>).</param>
    /// <param name="publishes">The app's layers of each publish output: one, or one per RID.</param>
    /// <param name="workingDirectory">Where the app's layers go.</param>
    /// <returns>One warning per item and path, naming the publish output's file(s) there; none for a user's own Dockerfile, whose order is its own (the caller does not ask).</returns>
    public static IReadOnlyList<Diagnostic> Find(IReadOnlyList<PlacedItem> items, IEnumerable<IReadOnlyList<Layer>> publishes, string workingDirectory)
    {
        var published = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var layer in publishes.SelectMany(layers => layers))
        {
            foreach (var file in layer.Files)
            {
                var path = Normalize(layer.DestinationIn(workingDirectory) + "/" + file.RelativePath);
                if (!published.TryGetValue(path, out var sources))
                {
                    published[path] = sources = [];
                }

                if (!sources.Contains(file.SourcePath, StringComparer.Ordinal))
                {
                    sources.Add(file.SourcePath);
                }
            }
        }

        return items
            .SelectMany(item => item.Files.Select(file => (Item: item, File: file, Path: Normalize(item.ImagePath(file)))))
            .Where(placed => published.ContainsKey(placed.Path))
            .Select(placed => Errors.ContainerFileHiddenByPublishOutput(placed.Item.Item.Source, placed.Item.IsFolder ? placed.File.RelativePath : null, placed.Path, published[placed.Path]))
            .Distinct()
            .ToList();
    }

    /// <summary>An absolute path of the image with '.', '..' and repeated '/' resolved, as the builder resolves it.</summary>
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
