using Containerize.Diagnostics;

namespace Containerize.Sbom;

/// <summary>What the layers hold of the OS files: after the base image's layers, and after all of them.</summary>
/// <param name="Diagnostics">CTZ2033 warnings: layers that could not be read (zstd, not a tar, a file too large).</param>
public sealed record ImageOsScan(ImageOsFiles Base, ImageOsFiles Final, IReadOnlyList<Diagnostic> Diagnostics);
