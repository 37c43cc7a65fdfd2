using System.Text;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>A password used for a push leaves no trace: not in a diagnostic log, the report, the Dockerfile or the image.</summary>
[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class CredentialSecrecyTests
{
    [TestMethod]
    [DataRow("environment")]
    [DataRow("config.json")]
    public void ADiagnosticLogOfAPushHoldsNoTraceOfThePassword(string source)
    {
        TestEnvironment.RequireEngine();
        using var config = new TemporaryFolder();
        var user = TestEnvironment.AuthUser;
        var password = TestEnvironment.AuthPassword;
        var environment = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config.Path };
        if (source == "environment")
        {
            environment["CONTAINERIZE_REGISTRY_USERNAME"] = user;
            environment["CONTAINERIZE_REGISTRY_PASSWORD"] = password;
        }
        else
        {
            File.WriteAllText(Path.Combine(config.Path, "config.json"),
                "{\"auths\": {\"" + TestEnvironment.AuthRegistry + "\": {\"auth\": \"" + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")) + "\"}}}");
        }

        using var project = TestProject.OnTinyBase("Secrecy" + source.Replace(".", ""), "secrecy");
        var registry = TestEnvironment.AuthRegistry + "/ctz-push";
        var reference = project.Track($"{registry}/secrecy:1.0.0");

        var log = project.Publish(environment, "-p:Containerize=true", "-p:ContainerRegistry=" + registry, "-v:diag").ShouldSucceed().Output;

        StringAssert.Contains(log, $"Pushed {reference} (sha256:");
        var traces = new[]
        {
            password,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(password)),
        };
        var places = new Dictionary<string, string>
        {
            ["the -v:diag log"] = log,
            ["container-image.json"] = File.ReadAllText(Path.Combine(project.ContextDirectory, "container-image.json")),
            ["the Dockerfile"] = File.ReadAllText(project.DockerfilePath),
            ["the image config"] = DockerCli.Run("image", "inspect", reference).ShouldSucceed().Output,
            ["the image history"] = DockerCli.Run("history", "--no-trunc", reference).ShouldSucceed().Output,
        };
        foreach (var (place, text) in places)
        {
            foreach (var trace in traces)
            {
                Assert.IsFalse(text.Contains(trace, StringComparison.Ordinal), $"{place} holds a trace of the password");
            }
        }
    }
}
