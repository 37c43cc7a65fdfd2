using System.Text;
using System.Text.Json.Nodes;
using Containerize.Sbom;
using Containerize.Tests.Infrastructure;
using Json.Schema;

namespace Containerize.Tests.Unit;

/// <summary>
/// The CycloneDX documents validate against the official CycloneDX 1.6 JSON schema (tests/Containerize.Tests/Schemas/CycloneDX,
/// with the SPDX license id and JSF schemas it refers to), formats included.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CycloneDxSchemaTests
{
    private static readonly Lazy<(JsonSchema Schema, EvaluationOptions Options)> Validator = new(() =>
    {
        var folder = Path.Combine(Repository.Root, "tests", "Containerize.Tests", "Schemas", "CycloneDX");
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        options.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(folder, "spdx.schema.json")));
        options.SchemaRegistry.Register(JsonSchema.FromFile(Path.Combine(folder, "jsf-0.82.schema.json")));
        return (JsonSchema.FromFile(Path.Combine(folder, "bom-1.6.schema.json")), options);
    });

    private static List<string> Errors(byte[] document)
    {
        var (schema, options) = Validator.Value;
        var result = schema.Evaluate(JsonNode.Parse(document), options);
        return result.IsValid ? [] : (result.Details ?? []).Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation} ({detail.EvaluationPath}): {error.Key}: {error.Value}"))
            .DefaultIfEmpty("invalid").ToList();
    }

    [TestMethod]
    public void The_small_document_is_valid_cyclonedx_1_6()
    {
        var errors = Errors(CycloneDxWriter.Write(SbomWriterTests.SmallInput()));

        Assert.IsEmpty(errors, string.Join("\n", errors));
    }

    [TestMethod]
    public void A_document_of_a_real_assets_file_and_dpkg_status_is_valid_cyclonedx_1_6()
    {
        var graph = AssetsFileReader.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Golden", "Sbom", "project.assets.json")), "net10.0", "linux-x64", "project.assets.json");
        var os = OsPackageInventory.Read(new ImageOsFiles(
            Encoding.UTF8.GetBytes(OsPackageDatabaseTests.DebianOsRelease), Encoding.UTF8.GetBytes(OsPackageDatabaseTests.DpkgStatus), [], null, null), ImageOsFiles.None);
        var input = SbomWriterTests.SmallInput() with { NuGet = graph, OsPackages = os.Packages, Digest = null };

        var errors = Errors(CycloneDxWriter.Write(input));

        Assert.IsEmpty(errors, string.Join("\n", errors));
        Assert.HasCount(4, os.Packages);
    }

    [TestMethod]
    public void The_validator_rejects_what_the_schema_forbids()
    {
        var document = JsonNode.Parse(CycloneDxWriter.Write(SbomWriterTests.SmallInput()))!;
        document["serialNumber"] = "urn:uuid:not-a-uuid";
        document["components"]![0]!["hashes"] = new JsonArray(new JsonObject { ["alg"] = "SHA-512", ["content"] = "xyz" });

        var errors = Errors(Encoding.UTF8.GetBytes(document.ToJsonString()));

        Assert.IsTrue(errors.Any(error => error.StartsWith("/serialNumber", StringComparison.Ordinal)), string.Join("\n", errors));
        Assert.IsTrue(errors.Any(error => error.StartsWith("/components/0/hashes/0/content", StringComparison.Ordinal)), string.Join("\n", errors));
    }
}
