namespace Containerize.Spec;

/// <summary>What the engine (or a registry) knows of the base image: its id, digest and environment.</summary>
public sealed record BaseImageFacts(string Id, string? Digest, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>
    /// The package manager found in the base image (apt, apk, tdnf, dnf), "" when it has none; null when nobody
    /// looked (only the engine can, and only does when ContainerPackage items need one and ContainerPackageManager is unset).
    /// </summary>
    public string? PackageManager { get; init; }
}
