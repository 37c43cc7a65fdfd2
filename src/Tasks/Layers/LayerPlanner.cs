using Containerize.Spec;

namespace Containerize.Layers;

/// <summary>
/// Splits the publish output into layers ordered from least to most often changed, so that a code change
/// touches only the last one: runtime, packages, volatile dependencies, app host, app. Empty layers are left out.
/// </summary>
public static class LayerPlanner
{
    public const string Runtime = "1-runtime";
    public const string Packages = "2-packages";
    public const string VolatileDependencies = "3-volatile";
    public const string AppHost = "4-apphost";
    public const string App = "5-app";

    private static readonly string[] Order = [Runtime, Packages, VolatileDependencies, AppHost, App];

    /// <param name="publishDirectory">The publish output; every file in it is placed in one layer.</param>
    /// <param name="assemblyName">The app's name: its apphost is the file of that name at the top.</param>
    /// <param name="origins">ResolvedFileToPublish origins by relative path ('/'-separated); files not listed are the app's own.</param>
    public static IReadOnlyList<Layer> Plan(string publishDirectory, string assemblyName, IReadOnlyDictionary<string, PublishedFileOrigin> origins)
    {
        var root = Path.GetFullPath(publishDirectory);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => new LayerFile(path, Path.GetRelativePath(root, path).Replace('\\', '/')))
            .OrderBy(file => file.RelativePath, StringComparer.Ordinal);

        var layers = files.GroupBy(file => Classify(file.RelativePath, assemblyName, origins)).ToDictionary(group => group.Key, group => group.ToList());
        return Order.Where(layers.ContainsKey).Select(name => new Layer(name, layers[name])).ToList();
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
