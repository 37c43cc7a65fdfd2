namespace Containerize.Sbom;

/// <summary>A file the image got from a ContainerFile item.</summary>
/// <param name="Path">Its absolute path in the image (/app/config/settings.json).</param>
/// <param name="Sha256">The SHA-256 of its content: lower-case hex, with or without "sha256:".</param>
public sealed record SbomFile(string Path, string Sha256);
