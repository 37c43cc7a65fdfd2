namespace Containerize.Registries;

/// <summary>A manifest or index as a registry served it: its media type, its exact bytes and their digest.</summary>
public sealed record ManifestResponse(string MediaType, byte[] Content, string Digest);
