using Containerize.Diagnostics;

namespace Containerize.Sbom;

/// <summary>The image's operating system and its packages, sorted by purl.</summary>
/// <param name="Release">From os-release; null when the image has none (scratch, some distroless images).</param>
/// <param name="Diagnostics">Warnings for the build log: CTZ2032 (an rpm database, not read), CTZ2033 (a layer not read).</param>
public sealed record OsPackageList(OsRelease? Release, IReadOnlyList<OsPackage> Packages, IReadOnlyList<Diagnostic> Diagnostics);
