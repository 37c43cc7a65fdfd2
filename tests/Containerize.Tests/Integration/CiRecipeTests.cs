using System.Globalization;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// The shell steps of docs/ci.md, run as a CI job would run them (bash, a fresh DOCKER_CONFIG, a git clone), against
/// the local registry that asks for credentials. The YAML around them cannot run here: no CI runner is reachable.
/// </summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class CiRecipeTests
{
    [TestMethod]
    [DataRow("github", "default engine, docker login")]
    [DataRow("gitlab", "TLS engine like dind, credentials from the environment")]
    public void TheDocumentedCiStepsPushAndHandTheDigestToTheNextStep(string ci, string setup)
    {
        TestEnvironment.RequireEngine();
        using var home = new TemporaryFolder();
        using var project = TestProject.Create("CiJob" + ci, "Console.WriteLine();\n",
            properties: $"<ContainerRepository>ci-{ci}</ContainerRepository><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>");
        var git = new Dictionary<string, string?> { ["GIT_AUTHOR_NAME"] = "ci", ["GIT_AUTHOR_EMAIL"] = "ci@example.invalid", ["GIT_COMMITTER_NAME"] = "ci", ["GIT_COMMITTER_EMAIL"] = "ci@example.invalid", ["GIT_AUTHOR_DATE"] = "2026-01-02T03:04:05Z", ["GIT_COMMITTER_DATE"] = "2026-01-02T03:04:05Z" };
        foreach (var command in new[] { "init -q", "add -A", "commit -q -m ci" })
        {
            ProcessRunner.Run("git", command.Split(' '), project.Directory, git).ShouldSucceed();
        }

        var sha = ProcessRunner.Run("git", ["rev-parse", "HEAD"], project.Directory).ShouldSucceed().Output.Trim();
        var registry = $"{TestEnvironment.AuthRegistry}/ctz-ci";
        var output = Path.Combine(home.Path, "step-output");
        var steps = ci == "github"
            ? $"""
              echo "$TOKEN" | docker login {TestEnvironment.AuthRegistry} -u "$ACTOR" --password-stdin
              export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
              digest=$(dotnet publish -c Release -p:Containerize=true -p:ContainerBaseRegistry={TestEnvironment.BaseRegistry} \
                -p:ContainerRegistry={registry} -p:ContainerImageTags=${"{"}GITHUB_SHA{"}"}%3Blatest -getProperty:ContainerImageDigest)
              echo "digest=$digest" >> "{output}"
              """
            : $"""
              export CONTAINERIZE_REGISTRY_USERNAME="$ACTOR" CONTAINERIZE_REGISTRY_PASSWORD="$TOKEN"
              export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
              digest=$(dotnet publish -c Release -p:Containerize=true -p:ContainerBaseRegistry={TestEnvironment.BaseRegistry} -p:ContainerRegistry={registry} -p:ContainerImageTags=${"{"}GITHUB_SHA{"}"}%3Blatest -getProperty:ContainerImageDigest)
              echo "IMAGE_DIGEST=$digest" >> "{output}"
              """;
        var environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = Path.Combine(home.Path, ".docker"),
            ["NUGET_PACKAGES"] = PackedPackages.NuGetFolder,
            ["TOKEN"] = TestEnvironment.AuthPassword,
            ["ACTOR"] = TestEnvironment.AuthUser,
            ["GITHUB_SHA"] = sha,
        };
        if (ci == "gitlab")
        {
            environment["DOCKER_HOST"] = TestEnvironment.TlsEngine;
            environment["DOCKER_TLS_VERIFY"] = "1";
            environment["DOCKER_CERT_PATH"] = TestEnvironment.TlsCertificates;
        }

        ProcessRunner.Run("bash", ["-e", "-c", steps], project.Directory, environment, TimeSpan.FromMinutes(5)).ShouldSucceed();

        var handedOver = File.ReadAllText(output).Trim();
        var digest = handedOver[(handedOver.IndexOf('=') + 1)..];
        StringAssert.StartsWith(digest, "sha256:", setup);
        var credentials = $"{TestEnvironment.AuthUser}:{TestEnvironment.AuthPassword}";
        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/ci-{ci}:{sha}", credentials));
        Assert.AreEqual(digest, Skopeo.Digest($"{registry}/ci-{ci}:latest", credentials));
        var created = Skopeo.Inspect($"{registry}/ci-{ci}:{sha}", credentials).GetProperty("Labels").GetProperty("org.opencontainers.image.created").GetString();
        Assert.AreEqual("2026-01-02T03:04:05Z", created);
        ProcessRunner.Run("docker", ["rmi", "-f", $"{registry}/ci-{ci}:{sha}", $"{registry}/ci-{ci}:latest"],
            environment: ci == "gitlab" ? environment : null);
    }
}
