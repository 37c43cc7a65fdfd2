using System.Net.Http;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

[TestClass]
[TestCategory("Integration")]
[TestCategory("Engine")]
public sealed class WebApiTests
{
    [TestMethod]
    public async Task WebApiRunsOnTheAspNetBaseAndAnswersOnPort8080()
    {
        TestEnvironment.RequireEngine();
        using var project = TestProject.FromSample("WebApi");
        var reference = project.Track("web-api:1.0.0");
        project.Track("web-api:latest");

        project.Publish("-p:Containerize=true").ShouldSucceed();

        var image = DockerCli.InspectImage(reference);
        var config = image.GetProperty("Config");
        CollectionAssert.AreEqual(new[] { "8080/tcp" }, config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.AreEqual($"{TestEnvironment.BaseRegistry}/dotnet/aspnet:10.0", DockerCli.Labels(image)["org.opencontainers.image.base.name"]);
        CollectionAssert.AreEqual(new[] { "dotnet", "/app/WebApi.dll" }, DockerCli.Strings(config.GetProperty("Entrypoint")));
        StringAssert.Contains(File.ReadAllText(project.DockerfilePath), "\nEXPOSE 8080/tcp\n");

        var container = DockerCli.Run("run", "-d", "--rm", "--network", "host", reference).ShouldSucceed().Output.Trim();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var answer = await Poll(() => http.GetStringAsync("http://127.0.0.1:8080/"));
            Assert.AreEqual("Hello from the WebApi container!", answer);
            Assert.AreEqual("\"healthy\"", await http.GetStringAsync("http://127.0.0.1:8080/healthz"));
        }
        finally
        {
            DockerCli.Run("rm", "-f", container);
        }
    }

    private static async Task<string> Poll(Func<Task<string>> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request();
            }
            catch (HttpRequestException) when (attempt < 60)
            {
                await Task.Delay(250);
            }
        }
    }
}
