namespace Containerize.Sbom;

/// <summary>One layer of an image, to read: a tar, gzip-compressed or not (told apart by its first bytes).</summary>
/// <param name="Name">How messages name the layer (its digest).</param>
/// <param name="Open">Opens the layer's content from the start; the reader disposes the stream.</param>
public sealed record LayerSource(string Name, Func<Stream> Open);
