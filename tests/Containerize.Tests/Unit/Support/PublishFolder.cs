using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Tests.Unit.Support;

/// <summary>A publish output on disk, with the ResolvedFileToPublish origins the SDK would report for it.</summary>
internal sealed class PublishFolder : IDisposable
{
    public static readonly PublishedFileOrigin RuntimePack = new("Microsoft.NETCore.App.Runtime.linux-x64", "10.0.0", false);
    public static readonly PublishedFileOrigin ReleasePackage = new("Newtonsoft.Json", "13.0.3", false);
    public static readonly PublishedFileOrigin PrereleasePackage = new("Acme.Preview", "1.0.0-beta", false);
    public static readonly PublishedFileOrigin ProjectReference = new("", "", true);

    private readonly TemporaryDirectory directory = new();
    private readonly Dictionary<string, PublishedFileOrigin> origins = new(StringComparer.Ordinal);

    public string Path => directory.Path;

    public IReadOnlyDictionary<string, PublishedFileOrigin> Origins => origins;

    /// <summary>Adds a file ('/'-separated path) whose content is its own name unless given.</summary>
    public PublishFolder Add(string relativePath, PublishedFileOrigin? origin = null, string? content = null)
    {
        directory.WriteFile(relativePath, content ?? relativePath);
        if (origin is not null)
        {
            origins[relativePath] = origin;
        }

        return this;
    }

    public string FullPath(string relativePath) => directory.Combine(relativePath);

    public IReadOnlyList<Layer> Plan(string assemblyName) => LayerPlanner.Plan(Path, assemblyName, origins);

    /// <summary>The files a framework-dependent app publishes: apphost, deps.json, runtimeconfig.json, dll, pdb.</summary>
    public static PublishFolder FrameworkDependent(string assemblyName) => new PublishFolder()
        .Add(assemblyName)
        .Add(assemblyName + ".deps.json")
        .Add(assemblyName + ".runtimeconfig.json")
        .Add(assemblyName + ".dll")
        .Add(assemblyName + ".pdb");

    public void Dispose() => directory.Dispose();
}
