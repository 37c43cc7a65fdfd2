using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>Values that are hard to quote reach the image exactly as written, through the real engine's Dockerfile parser.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class EscapingEngineTests
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["QUOTES"] = "say \"hi\" and 'bye'",
        ["BACKSLASHES"] = @"C:\path\to\ end\",
        ["DOLLARS"] = "$HOME ${PATH} $$ \\$",
        ["UNICODE"] = "café 日本 🚀",
        ["TABS"] = "a\tb",
        ["LONG"] = new string('x', 4096),
        ["INJECTION"] = "x\" \\\nRUN touch /pwned",
    };

    [TestMethod]
    [TestCategory("Engine")]
    public void EnvironmentValuesAndLabelsRoundTripThroughTheEngine()
    {
        TestEnvironment.RequireEngine();
        var items = string.Join("\n", Values.Where(v => v.Key != "INJECTION").Select(v =>
            $"<ContainerEnvironmentVariable Include=\"{v.Key}\" Value=\"{Xml(v.Value)}\" /><ContainerLabel Include=\"test.{v.Key.ToLowerInvariant()}\" Value=\"{Xml(v.Value)}\" />"));
        using var project = TestProject.Create("Escaping", "Console.WriteLine(Environment.GetEnvironmentVariable(\"DOLLARS\"));\n",
            properties: "<ContainerRepository>ctz-escaping</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>", items: items);
        var reference = project.Track("ctz-escaping:1.0.0");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        var image = DockerCli.InspectImage(reference);
        var environment = DockerCli.Strings(image.GetProperty("Config").GetProperty("Env"));
        var labels = DockerCli.Labels(image);
        foreach (var (name, value) in Values.Where(v => v.Key != "INJECTION"))
        {
            CollectionAssert.Contains(environment, $"{name}={value}", name);
            Assert.AreEqual(value, labels["test." + name.ToLowerInvariant()], name);
        }

        Assert.AreEqual(Values["DOLLARS"] + "\n", DockerCli.Run("run", "--rm", "--network", "none", reference).ShouldSucceed().Output);
    }

    [TestMethod]
    public void AValueThatWouldAddAnInstructionIsRefused()
    {
        using var project = TestProject.Create("Injection", "Console.WriteLine();\n",
            items: $"<ContainerEnvironmentVariable Include=\"INJECTION\" Value=\"{Xml(Values["INJECTION"])}\" />");

        var result = project.Publish("-p:Containerize=true");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ1011: The value of ContainerEnvironmentVariable 'INJECTION' holds a newline");
        Assert.IsFalse(File.Exists(project.DockerfilePath));
    }

    private static string Xml(string value) =>
        System.Security.SecurityElement.Escape(value.Replace("%", "%25").Replace(";", "%3B"))!.Replace("\n", "&#10;").Replace("\t", "&#9;");
}
