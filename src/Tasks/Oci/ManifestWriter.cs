using System.Text.Encodings.Web;
using System.Text.Json;

namespace Containerize.Oci;

/// <summary>
/// Image manifests and indexes as compact UTF-8 JSON with a fixed key order (that of the OCI image spec's Go types),
/// so the same content always gives the same digest. Descriptors: mediaType, digest, size, platform
/// (architecture, os, variant), annotations (by key, ordinal), artifactType.
/// </summary>
public static class ManifestWriter
{
    internal static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static byte[] WriteManifest(string manifestMediaType, Descriptor config, IReadOnlyList<Descriptor> layers) =>
        Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", manifestMediaType);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, config);
            writer.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                WriteDescriptor(writer, layer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary>
    /// An artifact manifest (OCI image spec 1.1): an image manifest whose artifactType says what it holds, the empty
    /// config, the artifact as its one layer and the image it refers to as its subject.
    /// </summary>
    public static byte[] WriteArtifactManifest(string artifactType, Descriptor layer, Descriptor subject, IReadOnlyDictionary<string, string> annotations) =>
        Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciManifest);
            writer.WriteString("artifactType", artifactType);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, EmptyConfig.Descriptor);
            writer.WriteStartArray("layers");
            WriteDescriptor(writer, layer);
            writer.WriteEndArray();
            writer.WritePropertyName("subject");
            WriteDescriptor(writer, subject);
            WriteAnnotations(writer, annotations);
            writer.WriteEndObject();
        });

    /// <param name="manifests">One descriptor per image manifest, with its platform for a multi-platform image.</param>
    public static byte[] WriteIndex(string indexMediaType, IReadOnlyList<Descriptor> manifests) =>
        Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", indexMediaType);
            writer.WriteStartArray("manifests");
            foreach (var manifest in manifests)
            {
                WriteDescriptor(writer, manifest);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });

    /// <summary>"sha256:&lt;lower-case hex&gt;" of the content.</summary>
    public static string Digest(byte[] content) => Registries.Sha256Digest.Of(content);

    internal static void WriteDescriptor(Utf8JsonWriter writer, Descriptor descriptor)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", descriptor.MediaType);
        writer.WriteString("digest", descriptor.Digest);
        writer.WriteNumber("size", descriptor.Size);
        if (descriptor.Platform is { } platform)
        {
            writer.WriteStartObject("platform");
            writer.WriteString("architecture", platform.Architecture);
            writer.WriteString("os", platform.Os);
            if (platform.Variant is not null)
            {
                writer.WriteString("variant", platform.Variant);
            }

            writer.WriteEndObject();
        }

        WriteAnnotations(writer, descriptor.Annotations);

        if (descriptor.ArtifactType is not null)
        {
            writer.WriteString("artifactType", descriptor.ArtifactType);
        }

        writer.WriteEndObject();
    }

    /// <summary>The annotations by key (ordinal); nothing when there are none.</summary>
    private static void WriteAnnotations(Utf8JsonWriter writer, IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is not { Count: > 0 })
        {
            return;
        }

        writer.WriteStartObject("annotations");
        foreach (var (key, value) in annotations.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
