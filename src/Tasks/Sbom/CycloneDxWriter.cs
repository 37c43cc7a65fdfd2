using System.Text.Json;

namespace Containerize.Sbom;

/// <summary>
/// The SBOM as a CycloneDX 1.6 JSON document (cyclonedx.org/docs/1.6/json), a pure function of the input: the same
/// input gives the same bytes. serialNumber is the name-based UUID of the seed (<see cref="NameBasedUuid"/>),
/// metadata.timestamp the image's creation time; components are sorted by bom-ref; the keys of each object come in
/// the schema's order.
/// </summary>
public static class CycloneDxWriter
{
    public const string MediaType = "application/vnd.cyclonedx+json";

    public static byte[] Write(SbomInput input)
    {
        var model = SbomModel.From(input);
        return SbomJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
            writer.WriteString("bomFormat", "CycloneDX");
            writer.WriteString("specVersion", "1.6");
            writer.WriteString("serialNumber", "urn:uuid:" + NameBasedUuid.ForSbom(input.Seed));
            writer.WriteNumber("version", 1);

            writer.WriteStartObject("metadata");
            writer.WriteString("timestamp", SbomJson.Time(input.Created));
            writer.WriteStartArray("lifecycles");
            writer.WriteStartObject();
            writer.WriteString("phase", "build");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("tools");
            writer.WriteStartArray("components");
            writer.WriteStartObject();
            writer.WriteString("type", "application");
            writer.WriteString("name", "Containerize");
            writer.WriteString("version", input.ToolVersion);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WritePropertyName("component");
            WriteComponent(writer, model.Application);
            writer.WriteEndObject();

            writer.WriteStartArray("components");
            foreach (var component in model.Components)
            {
                WriteComponent(writer, component);
            }

            writer.WriteEndArray();

            writer.WriteStartArray("dependencies");
            foreach (var dependency in model.Dependencies)
            {
                writer.WriteStartObject();
                writer.WriteString("ref", dependency.Ref);
                writer.WriteStartArray("dependsOn");
                foreach (var target in dependency.DependsOn)
                {
                    writer.WriteStringValue(target);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WriteComponent(Utf8JsonWriter writer, SbomComponent component)
    {
        writer.WriteStartObject();
        writer.WriteString("type", component.Kind switch
        {
            ComponentKind.Application => "application",
            ComponentKind.Runtime => "framework",
            ComponentKind.File => "file",
            _ => "library",
        });
        writer.WriteString("bom-ref", component.BomRef);
        writer.WriteString("name", component.Name);
        if (component.Version is not null)
        {
            writer.WriteString("version", component.Version);
        }

        if (!component.InImage)
        {
            writer.WriteString("scope", "excluded");
        }

        if (component.Sha512 is not null || component.Sha256 is not null)
        {
            writer.WriteStartArray("hashes");
            WriteHash(writer, "SHA-256", component.Sha256);
            WriteHash(writer, "SHA-512", component.Sha512);
            writer.WriteEndArray();
        }

        if (component.LicenseExpression is not null)
        {
            writer.WriteStartArray("licenses");
            writer.WriteStartObject();
            writer.WriteString("expression", component.LicenseExpression);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        if (component.Cpe is not null)
        {
            writer.WriteString("cpe", component.Cpe);
        }

        if (component.Purl is not null)
        {
            writer.WriteString("purl", component.Purl);
        }

        if (component.LicenseUrl is not null)
        {
            writer.WriteStartArray("externalReferences");
            writer.WriteStartObject();
            writer.WriteString("url", component.LicenseUrl);
            writer.WriteString("type", "license");
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        if (component.Properties.Count > 0)
        {
            writer.WriteStartArray("properties");
            foreach (var (name, value) in component.Properties)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteHash(Utf8JsonWriter writer, string algorithm, string? content)
    {
        if (content is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("alg", algorithm);
            writer.WriteString("content", content);
            writer.WriteEndObject();
        }
    }
}
