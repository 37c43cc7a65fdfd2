using System.Text;
using System.Text.Json;

namespace Containerize.Sbom;

/// <summary>
/// The SBOM as an SPDX 2.3 JSON document (spdx.github.io/spdx-spec/v2.3), from the same input as CycloneDX and as
/// deterministic: documentNamespace https://spdx.org/spdxdocs/&lt;name&gt;-&lt;the seed's name-based UUID&gt;, created the
/// image's creation time. Every component is a package (ContainerFile items too, with primaryPackagePurpose FILE,
/// since an SPDX 2.3 file needs a SHA-1 the input does not have); the document DESCRIBES the app, which DEPENDS_ON
/// its direct references and its .NET runtimes and CONTAINS the OS packages and files; each NuGet package DEPENDS_ON
/// its dependencies. licenseConcluded is NOASSERTION (nobody concluded anything), licenseDeclared the nuspec's
/// expression or NOASSERTION.
/// </summary>
public static class SpdxWriter
{
    public const string MediaType = "application/spdx+json";

    private const string NoAssertion = "NOASSERTION";

    private const string DocumentId = "SPDXRef-DOCUMENT";

    public static byte[] Write(SbomInput input)
    {
        var model = SbomModel.From(input);
        var ids = Identifiers(model);
        var uuid = NameBasedUuid.ForSbom(input.Seed);
        return SbomJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("spdxVersion", "SPDX-2.3");
            writer.WriteString("dataLicense", "CC0-1.0");
            writer.WriteString("SPDXID", DocumentId);
            writer.WriteString("name", input.Name);
            writer.WriteString("documentNamespace", $"https://spdx.org/spdxdocs/{IdPart(input.Name)}-{uuid}");
            writer.WriteStartObject("creationInfo");
            writer.WriteString("created", SbomJson.Time(input.Created));
            writer.WriteStartArray("creators");
            writer.WriteStringValue($"Tool: Containerize-{input.ToolVersion}");
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteStartArray("packages");
            WritePackage(writer, model.Application, ids);
            foreach (var component in model.Components)
            {
                WritePackage(writer, component, ids);
            }

            writer.WriteEndArray();

            writer.WriteStartArray("relationships");
            WriteRelationship(writer, DocumentId, "DESCRIBES", ids[model.Application.BomRef]);
            foreach (var (from, type, to) in Relationships(model, ids))
            {
                WriteRelationship(writer, from, type, to);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static void WritePackage(Utf8JsonWriter writer, SbomComponent component, Dictionary<string, string> ids)
    {
        writer.WriteStartObject();
        writer.WriteString("name", component.Name);
        writer.WriteString("SPDXID", ids[component.BomRef]);
        if (component.Version is not null)
        {
            writer.WriteString("versionInfo", component.Version);
        }

        writer.WriteString("downloadLocation", NoAssertion);
        writer.WriteBoolean("filesAnalyzed", false);
        if (component.Sha256 is not null || component.Sha512 is not null)
        {
            writer.WriteStartArray("checksums");
            WriteChecksum(writer, "SHA256", component.Sha256);
            WriteChecksum(writer, "SHA512", component.Sha512);
            writer.WriteEndArray();
        }

        writer.WriteString("licenseConcluded", NoAssertion);
        writer.WriteString("licenseDeclared", component.LicenseExpression ?? NoAssertion);
        writer.WriteString("copyrightText", NoAssertion);
        if (component.Purl is not null || component.Cpe is not null)
        {
            writer.WriteStartArray("externalRefs");
            if (component.Purl is not null)
            {
                WriteExternalRef(writer, "PACKAGE-MANAGER", "purl", component.Purl);
            }

            if (component.Cpe is not null)
            {
                WriteExternalRef(writer, "SECURITY", "cpe23Type", component.Cpe);
            }

            writer.WriteEndArray();
        }

        writer.WriteString("primaryPackagePurpose", component.Kind switch
        {
            ComponentKind.Application => "APPLICATION",
            ComponentKind.Runtime => "FRAMEWORK",
            ComponentKind.File => "FILE",
            _ => "LIBRARY",
        });
        var comment = string.Join("; ", component.Properties.Select(property => $"{property.Key}={property.Value}"));
        if (comment.Length > 0)
        {
            writer.WriteString("comment", comment);
        }

        writer.WriteEndObject();
    }

    private static IEnumerable<(string From, string Type, string To)> Relationships(SbomModel model, Dictionary<string, string> ids)
    {
        var application = ids[model.Application.BomRef];
        var relationships = model.Dependencies
            .SelectMany(dependency => dependency.DependsOn.Select(target => (ids[dependency.Ref], "DEPENDS_ON", ids[target])))
            .Concat(model.Components
                .Where(component => component.Kind is ComponentKind.OsPackage or ComponentKind.File)
                .Select(component => (application, "CONTAINS", ids[component.BomRef])));
        return relationships
            .Distinct()
            .OrderBy(relationship => relationship.Item1, StringComparer.Ordinal)
            .ThenBy(relationship => relationship.Item2, StringComparer.Ordinal)
            .ThenBy(relationship => relationship.Item3, StringComparer.Ordinal);
    }

    /// <summary>
    /// An SPDXID for each bom-ref: "SPDXRef-" and a readable form of what it names ("SPDXRef-nuget-Newtonsoft.Json-13.0.3"),
    /// every character other than letters, digits, '.' and '-' made '-'; a second one of the same form gets "-2", and so on.
    /// </summary>
    private static Dictionary<string, string> Identifiers(SbomModel model)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal) { [model.Application.BomRef] = "SPDXRef-Application" };
        var taken = new HashSet<string>(StringComparer.Ordinal) { DocumentId, "SPDXRef-Application" };
        foreach (var component in model.Components)
        {
            var kind = component.Kind switch
            {
                ComponentKind.Package => "nuget",
                ComponentKind.Project => "project",
                ComponentKind.Runtime => "dotnet",
                ComponentKind.File => "file",
                _ => component.Purl is { } purl && purl.StartsWith("pkg:", StringComparison.Ordinal) ? purl[4..purl.IndexOf('/')] : "os",
            };
            var baseId = "SPDXRef-" + IdPart(string.Join('-', new[] { kind, component.Name.TrimStart('/'), component.Version }.OfType<string>()));
            var id = baseId;
            for (var suffix = 2; !taken.Add(id); suffix++)
            {
                id = $"{baseId}-{suffix}";
            }

            ids[component.BomRef] = id;
        }

        return ids;
    }

    private static string IdPart(string text)
    {
        var id = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            id.Append(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' ? c : '-');
        }

        return id.Length == 0 ? "unnamed" : id.ToString();
    }

    private static void WriteChecksum(Utf8JsonWriter writer, string algorithm, string? value)
    {
        if (value is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("algorithm", algorithm);
            writer.WriteString("checksumValue", value);
            writer.WriteEndObject();
        }
    }

    private static void WriteExternalRef(Utf8JsonWriter writer, string category, string type, string locator)
    {
        writer.WriteStartObject();
        writer.WriteString("referenceCategory", category);
        writer.WriteString("referenceType", type);
        writer.WriteString("referenceLocator", locator);
        writer.WriteEndObject();
    }

    private static void WriteRelationship(Utf8JsonWriter writer, string from, string type, string to)
    {
        writer.WriteStartObject();
        writer.WriteString("spdxElementId", from);
        writer.WriteString("relationshipType", type);
        writer.WriteString("relatedSpdxElement", to);
        writer.WriteEndObject();
    }
}
