using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The parity matrix: one spec that sets every property all backends honour (Unit/BackendSupportTests lists them),
/// made by the engine with BuildKit, the engine with the legacy builder, the daemonless backend and a BuildKit daemon,
/// each pushed to the registry; then the image configs (Env, Entrypoint, Cmd, User, WorkingDir, ExposedPorts, Labels,
/// Healthcheck, StopSignal, Volumes) and the app's file system (every path above the base image's layers, with its
/// type, mode, uid:gid and content digest) must be equal — but for the differences listed in <see cref="Accepted"/>,
/// each documented in docs/properties.md.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory(TestPasses.Engine28Pass)]
public sealed class BackendParityTests
{
    /// <summary>
    /// The documented differences (properties.md, "ContainerFile"), by backend and path — the owner of a ContainerFile
    /// Destination folder the base image lacks (/srv/app/config, and /opt/ctz for /opt/ctz/run.sh): the engine's
    /// builders give it the item's Owner, as `COPY --chown` does; the daemonless backend makes it root's.
    /// </summary>
    private static readonly Dictionary<string, string[]> Accepted = new()
    {
        ["engine-buildkit"] = ["srv/app/config", "opt/ctz"],
        ["buildkit-daemon"] = ["srv/app/config", "opt/ctz"],
        ["engine-legacy"] = ["srv/app/config", "opt/ctz"],
    };

    [TestMethod]
    public async Task Every_backend_makes_the_same_config_and_files_from_the_same_spec()
    {
        TestEnvironment.RequireEngine();
        var engine28 = TestEnvironment.RequireEngine28Socket();
        using var folder = new TemporaryFolder();
        await using var relay = BuildKitRelay.StartUnix(engine28, Path.Combine(folder.Path, "buildkitd.sock"));
        using var project = TestProject.FromSample("WebApi");
        project.WriteFile("files/settings.conf", "mode = parity\n");
        project.WriteFile("tools/run.sh", "#!/bin/sh\necho parity\n");
        var registry = TestEnvironment.OpenRegistry;
        string[] spec =
        [
            "-p:Containerize=true", $"-p:ContainerRegistry={registry}", "-p:ContainerRepository=ctz-parity",
            "-p:ContainerEnvironmentVariables=MODE=parity%3BLEVEL=2", "-p:ContainerWorkingDirectory=/srv/app",
            "-p:ContainerHealthCheck=dotnet%3B/srv/app/WebApi.dll%3B--health", "-p:ContainerHealthCheckInterval=10s", "-p:ContainerHealthCheckTimeout=500ms",
            "-p:ContainerHealthCheckStartPeriod=1m", "-p:ContainerHealthCheckRetries=3", "-p:ContainerBuildNetwork=none",
        ];
        project.WriteFile("Directory.Build.targets", """
            <Project>
              <ItemGroup>
                <ContainerPort Include="8080" /><ContainerPort Include="9090" Type="udp" />
                <ContainerLabel Include="com.example.team" Value="parity" />
                <ContainerDefaultArgs Include="--urls" /><ContainerDefaultArgs Include="http://+:8080" />
                <ContainerWritableDirectory Include="/srv/app/data" />
                <ContainerFile Include="files/settings.conf" Destination="/srv/app/config/" Owner="1654:1654" Mode="0640" />
                <ContainerFile Include="tools/run.sh" Destination="/opt/ctz/run.sh" Owner="1654" Mode="0750" />
              </ItemGroup>
            </Project>
            """);

        var images = new Dictionary<string, string>
        {
            ["engine-buildkit"] = Publish(project, spec, "engine-buildkit", "-p:ContainerizeBackend=docker", "-p:ContainerizeBuilder=buildkit"),
            ["engine-legacy"] = Publish(project, spec, "engine-legacy", "-p:ContainerizeBackend=docker", "-p:ContainerizeBuilder=legacy"),
            ["daemonless"] = Publish(project, spec, "daemonless", "-p:ContainerizeBackend=daemonless"),
            ["buildkit-daemon"] = Publish(project, spec, "buildkit-daemon", $"-p:ContainerBuildKitHost={relay.Address}"),
        };

        var reference = images["daemonless"];
        var referenceConfig = Config(reference);
        var views = images.ToDictionary(entry => entry.Key, entry => FileSystem(entry.Value, folder.Path));
        var compared = views.Values.SelectMany(view => view.Touched).ToHashSet(StringComparer.Ordinal);
        List<string> Files(string backend) => compared.Select(path => views[backend].Merged.GetValueOrDefault(path, $"{path} absent")).Order(StringComparer.Ordinal).ToList();
        var referenceFiles = Files("daemonless");
        Assert.IsTrue(referenceFiles.Any(line => line.StartsWith("srv/app/config/settings.conf file 0640 1654:1654 ", StringComparison.Ordinal)), string.Join("\n", referenceFiles));
        Assert.IsTrue(referenceFiles.Any(line => line.StartsWith("opt/ctz/run.sh file 0750 1654:1654 ", StringComparison.Ordinal)), string.Join("\n", referenceFiles));
        var differences = new List<string>();
        foreach (var (backend, image) in images.Where(entry => entry.Key != "daemonless"))
        {
            var config = Config(image);
            differences.AddRange(ImageConfigFields.Compared.Where(field => referenceConfig[field] != config[field])
                .Select(field => $"{backend}: config {field}: {config[field]}, daemonless: {referenceConfig[field]}"));
            var accepted = Accepted.GetValueOrDefault(backend, []);
            var files = Files(backend);
            differences.AddRange(files.Except(referenceFiles).Concat(referenceFiles.Except(files).Select(line => "missing: " + line))
                .Where(line => !accepted.Any(path => line.Replace("missing: ", "", StringComparison.Ordinal).StartsWith(path + " ", StringComparison.Ordinal)))
                .Select(line => $"{backend}: {line}"));
        }

        Assert.AreEqual(0, differences.Count, "the backends' images differ from the daemonless image's:\n" + string.Join("\n", differences));
    }

    private static string Publish(TestProject project, string[] spec, string tag, params string[] backend)
    {
        var reference = project.Track($"{TestEnvironment.OpenRegistry}/ctz-parity:{tag}");
        project.Publish([.. spec, $"-p:ContainerImageTag={tag}", .. backend]).ShouldSucceed();
        return reference;
    }

    /// <summary>Each compared config field, normalized as <see cref="ImageConfigFields"/> reads it.</summary>
    private static Dictionary<string, string> Config(string reference)
    {
        var config = Skopeo.Inspect(reference, config: true).GetProperty("config");
        return ImageConfigFields.Compared.ToDictionary(field => field, field => ImageConfigFields.Normalized(config, field));
    }

    /// <summary>
    /// The image's merged file system ("path type mode uid:gid digest" by path; a whiteout removes) and the paths its own
    /// layers (those above the base image's) hold. Compared over the paths any backend's layers hold, so how each
    /// builder writes the folders a layer only passes through does not count, only what the image ends up with.
    /// </summary>
    private static (Dictionary<string, string> Merged, HashSet<string> Touched) FileSystem(string reference, string work)
    {
        var directory = Path.Combine(work, Guid.NewGuid().ToString("N"));
        ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", "docker://" + reference, "dir:" + directory], timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(layer => layer.GetProperty("digest").GetString()!["sha256:".Length..]).ToList();
        var baseLayers = BaseLayerCount(reference);
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < layers.Count; index++)
        {
            var paths = ApplyLayer(Path.Combine(directory, layers[index]), merged);
            if (index >= baseLayers)
            {
                touched.UnionWith(paths);
            }
        }

        Directory.Delete(directory, recursive: true);
        return (merged, touched);
    }

    /// <summary>Applies one gzipped layer to the merged view (a whiteout removes); returns the paths it holds.</summary>
    private static List<string> ApplyLayer(string layer, Dictionary<string, string> merged)
    {
        var paths = new List<string>();
        using var gzip = new GZipStream(File.OpenRead(layer), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            var path = entry.Name.TrimStart('.', '/').TrimEnd('/');
            var name = Path.GetFileName(path);
            if (name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                var removed = (Path.GetDirectoryName(path) is { Length: > 0 } folder ? folder + "/" : "") + name[".wh.".Length..];
                merged.Remove(removed);
                paths.Add(removed);
                continue;
            }

            var kind = entry.EntryType switch
            {
                TarEntryType.Directory => "dir",
                TarEntryType.SymbolicLink => "link->" + entry.LinkName,
                TarEntryType.HardLink => "hardlink->" + entry.LinkName,
                _ => "file",
            };
            var digest = entry.DataStream is null ? "-" : Convert.ToHexStringLower(SHA256.HashData(entry.DataStream));
            merged[path] = $"{path} {kind} {Convert.ToString((int)entry.Mode & 0xFFF, 8).PadLeft(4, '0')} {entry.Uid}:{entry.Gid} {digest}";
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>How many of the image's layers are its base image's: the base named by its label, for the image's platform.</summary>
    private static int BaseLayerCount(string reference)
    {
        var labels = Skopeo.Inspect(reference, config: true).GetProperty("config").GetProperty("Labels");
        var baseImage = labels.GetProperty("org.opencontainers.image.base.name").GetString()!;
        return Skopeo.Inspect(baseImage).GetProperty("Layers").GetArrayLength();
    }
}
