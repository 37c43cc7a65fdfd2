using Containerize.Layers;

namespace Containerize.Sbom;

/// <summary>The app's packages and project references for one target, as the restore resolved them.</summary>
/// <param name="Components">Every package and project of the target, ordered by key (ordinal, ignoring case).</param>
/// <param name="Direct">The keys of the components the project references itself (PackageReference, ProjectReference), sorted.</param>
/// <param name="PackageFolders">The folders NuGet restored into ("packageFolders"), in its order.</param>
public sealed record NuGetGraph(IReadOnlyList<NuGetComponent> Components, IReadOnlyList<string> Direct, IReadOnlyList<string> PackageFolders)
{
    public static NuGetGraph Empty { get; } = new([], [], []);

    /// <summary>
    /// The same graph with each package's <see cref="NuGetComponent.InImage"/> taken from the publish output instead
    /// of the assets file's rule: a package is in the image exactly when a published file came from it (the
    /// NuGetPackageId and NuGetPackageVersion metadata of ResolvedFileToPublish). Projects keep the assets file's
    /// answer, since the publish output does not say which project a file came from.
    /// </summary>
    public NuGetGraph WithPublishedFiles(IEnumerable<PublishedFileOrigin> origins)
    {
        var published = origins
            .Where(origin => origin.PackageId.Length > 0)
            .Select(origin => origin.PackageId + "/" + origin.PackageVersion)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return this with
        {
            Components = Components
                .Select(component => component.Kind == NuGetComponentKind.Package ? component with { InImage = published.Contains(component.Key) } : component)
                .ToList(),
        };
    }
}
