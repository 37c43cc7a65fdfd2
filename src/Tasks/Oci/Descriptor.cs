using System.Text.Json.Serialization;

namespace Containerize.Oci;

/// <summary>A content descriptor (OCI image spec): what a manifest or index says about a blob or manifest.</summary>
public sealed record Descriptor(
    [property: JsonPropertyName("mediaType")] string MediaType,
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("size")] long Size)
{
    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>In an index of referrers: the type of the artifact the manifest holds (its artifactType).</summary>
    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; init; }
}

/// <summary>An image's platform, as in an index: linux/amd64, linux/arm64/v8.</summary>
public sealed record Platform(
    [property: JsonPropertyName("os")] string Os,
    [property: JsonPropertyName("architecture")] string Architecture)
{
    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    public override string ToString() => $"{Os}/{Architecture}" + (Variant is null ? "" : "/" + Variant);

    /// <summary>Whether an image of this platform is the one <paramref name="wanted"/> asks for: the same OS and architecture, the variant ignored when either names none.</summary>
    public bool Matches(Platform wanted) =>
        Os == wanted.Os && Architecture == wanted.Architecture && (wanted.Variant is null || Variant is null || Variant == wanted.Variant);

    /// <summary>The platform an image is made for: from the runtime identifier (linux-x64, linux-musl-arm64, …), else this machine's.</summary>
    public static Platform ForRuntimeIdentifier(string runtimeIdentifier)
    {
        var architecture = runtimeIdentifier.Length > 0 ? runtimeIdentifier[(runtimeIdentifier.LastIndexOf('-') + 1)..] : System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return architecture switch
        {
            "x64" => new Platform("linux", "amd64"),
            "arm64" => new Platform("linux", "arm64") { Variant = "v8" },
            "arm" => new Platform("linux", "arm") { Variant = "v7" },
            "x86" => new Platform("linux", "386"),
            _ => new Platform("linux", architecture),
        };
    }
}
