using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containerize.Attestations;

/// <summary>An input of the build (SLSA ResourceDescriptor): the base image by digest, the source commit, the NuGet lock.</summary>
/// <param name="Name">What it is to the build: "base image", "source", "packages.lock.json".</param>
/// <param name="Uri">Where it is, a URI (a pkg:oci purl, git+https://…); null when it has none.</param>
/// <param name="Digest">Algorithm → value (sha256, gitCommit); empty when none is known.</param>
public sealed record ResourceDescriptor(string Name, string? Uri, IReadOnlyList<KeyValuePair<string, string>> Digest);

/// <summary>What a provenance says of one build: who built it, with which parameters, from what.</summary>
/// <param name="BuilderVersion">Containerize's version.</param>
/// <param name="Backend">The backend that made the image (daemonless, docker, buildkit).</param>
/// <param name="ExternalParameters">The project's and the container properties' values that shaped the image — never a secret's or a build argument's value.</param>
public sealed record ProvenanceInput(string BuilderVersion, string Backend, JsonObject ExternalParameters, IReadOnlyList<ResourceDescriptor> Dependencies);

/// <summary>
/// A SLSA Provenance v1 predicate (slsa.dev/spec/v1.0/provenance) as compact UTF-8 JSON. Nothing in it depends on
/// when or where the build ran (no timestamps, no invocation id, no machine paths), so the same input gives the same bytes.
/// </summary>
public static class SlsaProvenance
{
    /// <summary>The build type: the package and the version of this predicate's parameters (docs/supply-chain.md, "Provenance").</summary>
    public const string BuildType = "pkg:nuget/Containerize#build-types/container-image/v1";

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The builder's id: the Containerize package at its version, a purl.</summary>
    public static string BuilderId(string version) => $"pkg:nuget/Containerize@{version}";

    public static byte[] Write(ProvenanceInput input)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("buildDefinition");
            writer.WriteString("buildType", BuildType);
            writer.WritePropertyName("externalParameters");
            input.ExternalParameters.WriteTo(writer);
            writer.WriteStartObject("internalParameters");
            writer.WriteString("backend", input.Backend);
            writer.WriteEndObject();
            writer.WriteStartArray("resolvedDependencies");
            foreach (var dependency in input.Dependencies)
            {
                writer.WriteStartObject();
                writer.WriteString("name", dependency.Name);
                if (dependency.Uri is not null)
                {
                    writer.WriteString("uri", dependency.Uri);
                }

                if (dependency.Digest.Count > 0)
                {
                    writer.WriteStartObject("digest");
                    foreach (var (algorithm, value) in dependency.Digest)
                    {
                        writer.WriteString(algorithm, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteStartObject("runDetails");
            writer.WriteStartObject("builder");
            writer.WriteString("id", BuilderId(input.BuilderVersion));
            writer.WriteStartObject("version");
            writer.WriteString("Containerize", input.BuilderVersion);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
