namespace Containerize.Spec;

/// <summary>What the engine (or a registry) knows of the base image: its id, digest and environment.</summary>
public sealed record BaseImageFacts(string Id, string? Digest, IReadOnlyDictionary<string, string> Environment);
