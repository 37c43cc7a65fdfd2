using System.Text.Json.Nodes;
using Containerize.Attestations;
using Containerize.Backends;
using Containerize.Registries;
using Containerize.Sbom;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// The provenance of a pushed image (ContainerProvenance): an in-toto statement with a SLSA v1 predicate saying which
/// Containerize built it, from which project and container properties, on which base image (by digest), source commit
/// and NuGet lock (docs/supply-chain.md, "Provenance"). <see cref="AttachStep"/> attaches it.
/// </summary>
public static class ProvenanceStep
{
    /// <summary>What the provenance of the job's image says.</summary>
    /// <param name="record">The build's record: the base image's digest.</param>
    /// <param name="backendName">The backend that made the image.</param>
    public static ProvenanceInput Input(ImageJob job, BuildRecord record, string backendName) =>
        new(Containerizer.ToolVersion, backendName, ExternalParameters(job), Dependencies(job, record));

    /// <summary>The statement about the image <paramref name="imageDigest"/> (sha256:…) in the repository <paramref name="subjectName"/>.</summary>
    public static byte[] Statement(ProvenanceInput input, string imageDigest, string subjectName) =>
        InTotoStatement.Write([InTotoSubject.Of(subjectName, imageDigest)], PredicateTypes.SlsaProvenanceV1, SlsaProvenance.Write(input));

    /// <summary>
    /// The project and the image as the properties made them, empty values left out. Build arguments and secrets by
    /// name only: their values may be tokens. Environment variables and labels with their values: the image config
    /// holds them anyway.
    /// </summary>
    private static JsonObject ExternalParameters(ImageJob job)
    {
        var (project, spec) = (job.Request.Project, job.Spec);
        var parameters = new JsonObject
        {
            ["project"] = Object(
                ("name", project.AssemblyName),
                ("version", project.Version),
                ("targetFramework", project.TargetFramework),
                ("runtimeIdentifier", project.RuntimeIdentifier),
                ("selfContained", project.SelfContained ? "true" : ""),
                ("publishAot", project.PublishAot ? "true" : ""),
                ("publishTrimmed", project.PublishTrimmed ? "true" : "")),
        };
        var image = Object(
            ("baseImage", job.BaseName),
            ("registry", spec.Registry),
            ("repository", spec.Repository),
            ("workingDirectory", spec.WorkingDirectory),
            ("user", spec.User ?? ""),
            ("dockerfile", spec.Dockerfile is null ? "" : Path.GetFileName(spec.Dockerfile)),
            ("packageManager", spec.PackageManager));
        AddArray(image, "platforms", job.Targets.Select(target => target.Platform.ToString()));
        AddArray(image, "ports", spec.Ports.Select(port => port.ToString()));
        AddMap(image, "environment", spec.Environment);
        AddMap(image, "labels", spec.Labels);
        AddArray(image, "entrypoint", spec.Entrypoint);
        AddArray(image, "cmd", spec.Cmd);
        AddArray(image, "runCommands", spec.RunSteps.Select(step => step.Command));
        AddArray(image, "packages", spec.Packages.Select(package => package.Version.Length > 0 ? $"{package.Name}={package.Version}" : package.Name));
        AddArray(image, "files", spec.Files.Select(file => file.Destination));
        AddArray(image, "writableDirectories", spec.WritableDirectories);
        AddArray(image, "healthCheck", spec.HealthCheck?.Command ?? []);
        AddArray(image, "buildArgs", spec.BuildArgs.Select(argument => argument.Key));
        AddArray(image, "buildSecrets", spec.BuildSecrets.Select(secret => secret.Id));
        parameters["image"] = image;
        return parameters;
    }

    /// <summary>The bases (the final one by the digest the build used), the source commit, the NuGet lock file or else the assets file.</summary>
    private static List<ResourceDescriptor> Dependencies(ImageJob job, BuildRecord record)
    {
        var dependencies = job.Bases
            .Select(reference => (Reference: reference, Digest: reference == job.FinalBase && record.BaseImageDigest is { } used ? used : reference.Digest))
            .Select(entry => new ResourceDescriptor("base image", BasePurl(entry.Reference, entry.Digest), entry.Digest is { } digest ? [new("sha256", digest[Sha256Digest.Prefix.Length..])] : []))
            .ToList();
        var project = job.Request.Project;
        if (project.RepositoryUrl.Length > 0)
        {
            var commit = project.SourceRevisionId;
            dependencies.Add(new ResourceDescriptor("source", (project.RepositoryUrl.StartsWith("git+", StringComparison.Ordinal) ? "" : "git+") + project.RepositoryUrl,
                commit.Length is 40 or 64 && commit.All(Uri.IsHexDigit) ? [new("gitCommit", commit.ToLowerInvariant())] : []));
        }

        var nuget = File.Exists(project.NuGetLockFile) ? project.NuGetLockFile : File.Exists(project.AssetsFile) ? project.AssetsFile : null;
        if (nuget is not null)
        {
            dependencies.Add(new ResourceDescriptor(Path.GetFileName(nuget), null, [new("sha256", Sha256Digest.OfFile(nuget)[Sha256Digest.Prefix.Length..])]));
        }

        return dependencies;
    }

    /// <summary>pkg:oci/aspnet@sha256%3A…?repository_url=mcr.microsoft.com/dotnet/aspnet&amp;tag=10.0, as the SBOM names images.</summary>
    private static string BasePurl(ImageReference reference, string? digest) =>
        PackageUrl.Create("oci", null, reference.Repository.Split('/')[^1], digest,
            [new("repository_url", (reference.Registry is null ? "" : reference.Registry + "/") + reference.Repository), new("tag", reference.Tag)]);

    private static JsonObject Object(params (string Name, string Value)[] values)
    {
        var node = new JsonObject();
        foreach (var (name, value) in values.Where(entry => entry.Value.Length > 0))
        {
            node[name] = value;
        }

        return node;
    }

    private static void AddArray(JsonObject node, string name, IEnumerable<string> values)
    {
        var array = new JsonArray(values.Select(value => (JsonNode?)JsonValue.Create(value)).ToArray());
        if (array.Count > 0)
        {
            node[name] = array;
        }
    }

    private static void AddMap(JsonObject node, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        if (map.Count > 0)
        {
            node[name] = map;
        }
    }
}
