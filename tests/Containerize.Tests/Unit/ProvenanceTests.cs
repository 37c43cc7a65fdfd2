using System.Text;
using System.Text.Json;
using Containerize.Attestations;
using Containerize.Backends;
using Containerize.Pipeline;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The in-toto statement and the SLSA v1 provenance of a pushed image, byte for byte.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ProvenanceTests : IDisposable
{
    private const string ImageDigest = "sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee";

    private const string BaseDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    [TestMethod]
    public void A_statement_names_each_subject_with_its_digest_and_embeds_the_predicate_compact()
    {
        var statement = InTotoStatement.Write([new InTotoSubject("localhost:5000/app", "abc")], PredicateTypes.CycloneDx, "{\n  \"bomFormat\": \"CycloneDX\"\n}\n"u8);

        Assert.AreEqual(
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"localhost:5000/app\",\"digest\":{\"sha256\":\"abc\"}}],"
            + "\"predicateType\":\"https://cyclonedx.org/bom\",\"predicate\":{\"bomFormat\":\"CycloneDX\"}}",
            Encoding.UTF8.GetString(statement));
    }

    [TestMethod]
    public void The_predicate_says_who_built_the_image_with_which_parameters_from_what_and_nothing_about_when()
    {
        var input = new ProvenanceInput("0.1.0.0", "daemonless",
            new System.Text.Json.Nodes.JsonObject { ["image"] = new System.Text.Json.Nodes.JsonObject { ["repository"] = "app" } },
            [new ResourceDescriptor("base image", "pkg:oci/runtime", [new("sha256", "11")]), new ResourceDescriptor("packages.lock.json", null, [new("sha256", "22")])]);

        Assert.AreEqual(
            """{"buildDefinition":{"buildType":"pkg:nuget/Containerize#build-types/container-image/v1","externalParameters":{"image":{"repository":"app"}},"internalParameters":{"backend":"daemonless"},"resolvedDependencies":[{"name":"base image","uri":"pkg:oci/runtime","digest":{"sha256":"11"}},{"name":"packages.lock.json","digest":{"sha256":"22"}}]},"runDetails":{"builder":{"id":"pkg:nuget/Containerize@0.1.0.0","version":{"Containerize":"0.1.0.0"}}}}""",
            Encoding.UTF8.GetString(SlsaProvenance.Write(input)));
    }

    [TestMethod]
    public void The_external_parameters_are_the_project_and_the_image_as_the_properties_made_them()
    {
        var parameters = Parameters(Job());

        Assert.AreEqual(
            """{"project":{"name":"HelloDocker","version":"1.0.0","targetFramework":"net10.0"},"image":{"baseImage":"mcr.microsoft.com/dotnet/runtime:10.0","registry":"localhost:5000","repository":"hello-docker","workingDirectory":"/app","platforms":["linux/amd64"],"ports":["8080/tcp"],"environment":{"DOTNET_gcServer":"1"},"labels":{"org.opencontainers.image.title":"HelloDocker"},"entrypoint":["dotnet","HelloDocker.dll"],"packages":["curl=7.88.1-10"],"buildArgs":["FEED_URL"],"buildSecrets":["nuget"]}}""",
            parameters.GetRawText());
    }

    [TestMethod]
    public void Build_argument_values_and_secrets_never_appear_only_their_names()
    {
        var statement = Encoding.UTF8.GetString(ProvenanceStep.Statement(ProvenanceStep.Input(Job(), Record(), "docker"), ImageDigest, "localhost:5000/hello-docker"));

        Assert.DoesNotContain("https://feed.example/v3?token=s3cr3t", statement);
        Assert.DoesNotContain("NUGET_TOKEN", statement);
        Assert.Contains("\"buildArgs\":[\"FEED_URL\"]", statement);
    }

    [TestMethod]
    public void The_dependencies_are_the_base_by_the_digest_built_from_the_source_commit_and_the_NuGet_lock_file()
    {
        var lockFile = work.Combine("packages.lock.json");
        File.WriteAllText(lockFile, "{\"version\":1}");
        var job = Job(project => project with { RepositoryUrl = "https://github.com/acme/app.git", SourceRevisionId = Commit.ToUpperInvariant(), NuGetLockFile = lockFile });

        var dependencies = ProvenanceStep.Input(job, Record(), "docker").Dependencies;

        CollectionAssert.AreEqual(
            new[]
            {
                $"base image pkg:oci/runtime@sha256%3A{BaseDigest[7..]}?repository_url=mcr.microsoft.com/dotnet/runtime&tag=10.0 sha256={BaseDigest[7..]}",
                $"source git+https://github.com/acme/app.git gitCommit={Commit}",
                "packages.lock.json  sha256=2430f1a2ad2982d0067885488a4c89e21ad1d7c83b115ba8f1b20acc88dfaea8",
            },
            dependencies.Select(dependency => $"{dependency.Name} {dependency.Uri} {string.Join(",", dependency.Digest.Select(pair => $"{pair.Key}={pair.Value}"))}").ToArray());
    }

    [TestMethod]
    public void Without_a_lock_file_the_assets_file_is_hashed_and_a_revision_that_is_no_commit_id_gives_no_digest()
    {
        var assets = work.Combine("project.assets.json");
        File.WriteAllText(assets, "{}");
        var job = Job(project => project with { RepositoryUrl = "git+ssh://git@example.com/app", SourceRevisionId = "v1.2", AssetsFile = assets, NuGetLockFile = work.Combine("none.json") });

        var dependencies = ProvenanceStep.Input(job, Record(), "docker").Dependencies;

        Assert.AreEqual("source git+ssh://git@example.com/app 0", $"{dependencies[1].Name} {dependencies[1].Uri} {dependencies[1].Digest.Count}");
        Assert.AreEqual("project.assets.json sha256=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            $"{dependencies[2].Name} {string.Join(",", dependencies[2].Digest.Select(pair => $"{pair.Key}={pair.Value}"))}");
    }

    [TestMethod]
    public void The_same_build_gives_the_same_statement_byte_for_byte()
    {
        var first = ProvenanceStep.Statement(ProvenanceStep.Input(Job(), Record(), "docker"), ImageDigest, "localhost:5000/hello-docker");
        var second = ProvenanceStep.Statement(ProvenanceStep.Input(Job(), Record(), "docker"), ImageDigest, "localhost:5000/hello-docker");

        CollectionAssert.AreEqual(first, second);
        using var document = JsonDocument.Parse(first);
        Assert.AreEqual(PredicateTypes.SlsaProvenanceV1, document.RootElement.GetProperty("predicateType").GetString());
        Assert.AreEqual(ImageDigest[7..], document.RootElement.GetProperty("subject")[0].GetProperty("digest").GetProperty("sha256").GetString());
    }

    private static JsonElement Parameters(ImageJob job)
    {
        var statement = ProvenanceStep.Statement(ProvenanceStep.Input(job, Record(), "docker"), ImageDigest, "localhost:5000/hello-docker");
        using var document = JsonDocument.Parse(statement);
        return document.RootElement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("externalParameters").Clone();
    }

    private static BuildRecord Record() => new("fingerprint", "sha256:aaaa", BaseDigest, "sha256:image", "linux/amd64", ["localhost:5000/hello-docker:1.0.0"], ImageDigest);

    private ImageJob Job(Func<ProjectFacts, ProjectFacts>? project = null)
    {
        var facts = project?.Invoke(Projects.Console()) ?? Projects.Console();
        var spec = Resolution.Succeeds(facts, new ContainerSettings { Registry = "localhost:5000", ImageTags = "1.0.0" }) with
        {
            Ports = [new ContainerPort(8080, "tcp")],
            Environment = [new("DOTNET_gcServer", "1")],
            Labels = [new("org.opencontainers.image.title", "HelloDocker")],
            Entrypoint = ["dotnet", "HelloDocker.dll"],
            Cmd = [],
            Packages = [new PackageSetting("curl", "7.88.1-10")],
            BuildArgs = [new("FEED_URL", "https://feed.example/v3?token=s3cr3t")],
            BuildSecrets = [new BuildSecret("nuget", "NUGET_TOKEN", "")],
        };
        var request = new ContainerizeRequest
        {
            Project = facts,
            Settings = new ContainerSettings(),
            PublishDirectory = work.Combine("publish"),
            ContextDirectory = work.Combine("obj/containerize"),
            Push = true,
            Provenance = true,
        };
        return new ImageJob(request, spec, "fingerprint");
    }
}
