using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// ContainerBuildSecret: a RUN step mounts a secret that BuildKit's session gives it — from an environment variable or
/// a file — and the value is nowhere afterwards: not in a layer, the history, the config, the Dockerfile, the log at
/// -v:diag, or any file under the project (obj/, bin/, the context).
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class BuildSecretTests
{
    [TestMethod]
    public void ARunStepReadsTheSecretsAndTheImageKeepsNoTraceOfThem()
    {
        TestEnvironment.RequireEngine();
        var token = "tok-" + Guid.NewGuid().ToString("N");
        var key = "key-" + Guid.NewGuid().ToString("N");
        using var outside = new TemporaryFolder();
        var keyFile = Path.Combine(outside.Path, "apt.key");
        File.WriteAllText(keyFile, key);
        using var project = TestProject.Create("Secrets", "Console.WriteLine(\"secrets\");\n",
            properties: $"<ContainerRepository>ctz-secrets</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            // Each step leaves the digest of what it was given (never the value), and a new one on every run so no cache answers.
            items: $"""
                <ContainerBuildSecret Include="feed_token" Environment="CTZ_TEST_FEED_TOKEN" />
                <ContainerBuildSecret Include="apt.key" File="{keyFile}" />
                <ContainerRunCommand Include="token" Command="sha256sum /run/secrets/feed_token > /token.sha256 %3B echo {Guid.NewGuid():N}" Secrets="feed_token" />
                <ContainerRunCommand Include="key" Command="sha256sum /run/secrets/apt.key > /key.sha256 %3B test ! -e /run/secrets/feed_token" Secrets="apt.key" />
                """);
        var reference = project.Track("ctz-secrets:1.0.0");
        project.Track("ctz-secrets:latest");

        var result = project.Publish(new Dictionary<string, string?> { ["CTZ_TEST_FEED_TOKEN"] = token },
            "-p:Containerize=true", "-p:ContainerBuildNetwork=none", "-v:diag").ShouldSucceed();

        StringAssert.Contains(result.Output, "Builder: BuildKit");
        StringAssert.Contains(result.Output, "BuildKit session: the build read secret 'feed_token'");
        StringAssert.Contains(result.Output, "BuildKit session: the build read secret 'apt.key'");
        var dockerfile = File.ReadAllText(project.DockerfilePath);
        StringAssert.Contains(dockerfile, "\nRUN --mount=type=secret,id=feed_token sha256sum /run/secrets/feed_token > /token.sha256 ; echo ");
        StringAssert.Contains(dockerfile, "\nRUN --mount=type=secret,id=apt.key sha256sum /run/secrets/apt.key > /key.sha256 ; test ! -e /run/secrets/feed_token\n");
        StringAssert.Contains(dockerfile, $"# docker build --secret id=feed_token,env=CTZ_TEST_FEED_TOKEN --secret id=apt.key,src={keyFile} <this folder>\n");

        // The steps were given the values: the digests they left are the values' digests.
        Assert.AreEqual($"{Sha256(token)}  /run/secrets/feed_token\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "cat", reference, "/token.sha256").ShouldSucceed().Output);
        Assert.AreEqual($"{Sha256(key)}  /run/secrets/apt.key\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "cat", reference, "/key.sha256").ShouldSucceed().Output);

        foreach (var secret in new[] { token, key })
        {
            Assert.IsFalse(result.Output.Contains(secret, StringComparison.Ordinal), "the log at -v:diag holds a secret");
            Assert.IsFalse(dockerfile.Contains(secret, StringComparison.Ordinal), "the Dockerfile holds a secret");
            var history = DockerCli.Run("history", "--no-trunc", "--format", "{{.CreatedBy}} {{.Comment}}", reference).ShouldSucceed().Output;
            Assert.IsFalse(history.Contains(secret, StringComparison.Ordinal), "the history holds a secret");
            Assert.IsFalse(DockerCli.Run("image", "inspect", reference).ShouldSucceed().Output.Contains(secret, StringComparison.Ordinal), "the image config holds a secret");
            var file = FilesHolding(project.Directory, secret).FirstOrDefault();
            Assert.IsNull(file, $"{file} holds a secret");
        }

        using var saved = new TemporaryFolder();
        var archive = Path.Combine(saved.Path, "image.tar");
        DockerCli.Run("save", "-o", archive, reference).ShouldSucceed();
        var holding = EntriesHolding(archive, [token, key]);
        Assert.AreEqual(0, holding.Count, "the image's layers hold a secret: " + string.Join(", ", holding));
        Assert.AreEqual(0, Directory.GetDirectories(project.TemporaryDirectory, "containerize-session-*").Length, "the session host's folder is left behind");
    }

    [TestMethod]
    public void TheUsersOwnDockerfileMountsADeclaredSecret()
    {
        TestEnvironment.RequireEngine();
        var token = "tok-" + Guid.NewGuid().ToString("N");
        using var project = TestProject.Create("OwnSecret", "Console.WriteLine(\"own\");\n",
            properties: "<ContainerRepository>ctz-own-secret</ContainerRepository><ContainerDockerfile>Dockerfile</ContainerDockerfile>",
            items: """<ContainerBuildSecret Include="feed_token" Environment="CTZ_TEST_FEED_TOKEN" />""");
        project.WriteFile("Dockerfile", $"""
            FROM {TestEnvironment.TinyBase}
            RUN --mount=type=secret,id=feed_token sha256sum /run/secrets/feed_token > /token.sha256 ; echo {Guid.NewGuid():N}
            """);
        var reference = project.Track("ctz-own-secret:1.0.0");
        project.Track("ctz-own-secret:latest");

        var result = project.Publish(new Dictionary<string, string?> { ["CTZ_TEST_FEED_TOKEN"] = token },
            "-p:Containerize=true", "-p:ContainerBuildNetwork=none").ShouldSucceed();

        Assert.IsFalse(result.Output.Contains("CTZ1050", StringComparison.Ordinal), "a secret the user's Dockerfile mounts is no unused one");
        Assert.AreEqual($"{Sha256(token)}  /run/secrets/feed_token\n", DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "cat", reference, "/token.sha256").ShouldSucceed().Output);
    }

    [TestMethod]
    public void CtrlCDuringAStepThatMountsASecretEndsTheBuildAndTheSessionHost()
    {
        TestEnvironment.RequireEngine();
        var id = Guid.NewGuid().ToString("N");
        using var project = TestProject.Create("SecretCtrlC", "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ctz-secret-ctrlc</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>",
            items: $"""
                <ContainerBuildSecret Include="feed_token" Environment="CTZ_TEST_FEED_TOKEN" />
                <ContainerRunCommand Include="wait" Command="sleep 301 %26%26 echo {id}" Secrets="feed_token" />
                """);
        var image = project.Track("ctz-secret-ctrlc:1.0.0");
        project.Track("ctz-secret-ctrlc:latest");
        project.Dotnet(["build", project.ProjectPath]).ShouldSucceed();
        DockerCli.Run("rmi", "-f", image);
        var reading = new ManualResetEventSlim();
        var output = new ConcurrentQueue<string>();
        using var process = project.StartPublish(line => { output.Enqueue(line); if (line.Contains("BuildKit session: the build read secret 'feed_token'")) { reading.Set(); } },
            new Dictionary<string, string?> { ["CTZ_TEST_FEED_TOKEN"] = "token" }, "-p:Containerize=true", "-p:ContainerBuildNetwork=none", "-v:n");
        Assert.IsTrue(reading.Wait(TimeSpan.FromMinutes(2)), "the step started with its secret");
        Assert.IsTrue(SpinWait.SpinUntil(() => Processes(id) > 0, TimeSpan.FromSeconds(30)), "the step runs");

        Assert.IsTrue(TestProject.Interrupt(process, TimeSpan.FromSeconds(30)), "dotnet publish stopped after Ctrl+C");
        Assert.AreNotEqual(0, process.ExitCode);
        Assert.IsTrue(SpinWait.SpinUntil(() => Processes(project.TemporaryDirectory) == 0, TimeSpan.FromSeconds(10)), "the session host has ended");
        Assert.AreEqual(0, Directory.GetDirectories(project.TemporaryDirectory, "containerize-session-*").Length, "the session host's folder is left behind");
        Assert.IsTrue(SpinWait.SpinUntil(() => Processes(id) == 0, TimeSpan.FromSeconds(30)), "the engine stopped the step");
        var left = DockerCli.Run("image", "inspect", "--format", "{{.Created}} {{.Id}}", image);
        Assert.AreNotEqual(0, left.ExitCode, "the interrupted build made an image:\n" + left.Output + string.Join("\n", output));
    }

    /// <summary>How many processes of this machine have the text in their command line.</summary>
    internal static int Processes(string commandLine) =>
        ProcessRunner.Run("pgrep", ["-c", "-f", commandLine], timeout: TimeSpan.FromSeconds(10)).Output.Trim() is var count && int.TryParse(count, out var n) ? n : 0;

    internal static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static IEnumerable<string> FilesHolding(string folder, string value) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(file => File.ReadAllBytes(file).AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0);

    /// <summary>The entries of a docker save archive (layers as they are, and gunzipped where compressed) that hold any of the values.</summary>
    internal static List<string> EntriesHolding(string archive, string[] values)
    {
        var found = new List<string>();
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null)
            {
                continue;
            }

            using var content = new MemoryStream();
            entry.DataStream.CopyTo(content);
            var bytes = content.ToArray();
            if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gunzipped = new MemoryStream();
                using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
                {
                    gzip.CopyTo(gunzipped);
                }

                bytes = gunzipped.ToArray();
            }

            if (values.Any(value => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0))
            {
                found.Add(entry.Name);
            }
        }

        return found;
    }
}
