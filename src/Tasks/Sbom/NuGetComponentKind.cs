namespace Containerize.Sbom;

/// <summary>What an entry of the assets file's target is: a NuGet package or a project the app references.</summary>
public enum NuGetComponentKind
{
    Package,
    Project,
}
