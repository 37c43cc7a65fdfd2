using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Integration;

/// <summary>
/// ContainerFile items (files and folders from outside the publish output, with owner and mode) and writable folders,
/// through the engine and daemonless: the same owners, modes and contents in the running image.
/// </summary>
[TestClass]
[TestCategory("Integration")]
public sealed class ContainerFileTests
{
    private const string Items = """
        <ContainerFile Include="config/app.json" Destination="/etc/ctz/settings.json" Owner="1654" Mode="0640" />
        <ContainerFile Include="scripts" Destination="/opt/ctz" Mode="0755" />
        <ContainerFile Include="notes.txt" Destination="/opt/ctz/docs/" />
        <ContainerWritableDirectory Include="/app/data" />
        """;

    /// <summary>Each path's mode, owner and content, then whether the app user can write the writable folder and /app.</summary>
    private const string Inspect = "for f in /etc/ctz/settings.json /opt/ctz/setup.sh /opt/ctz/lib /opt/ctz/lib/helper.sh /opt/ctz/docs/notes.txt /app/data; "
        + "do stat -c '%a %u:%g %n' $f; done; cat /etc/ctz/settings.json /opt/ctz/docs/notes.txt; "
        + "touch /app/data/ok && echo data-writable; touch /app/nope 2>/dev/null && echo app-writable || echo app-read-only";

    private const string Expected = """
        640 1654:1654 /etc/ctz/settings.json
        755 0:0 /opt/ctz/setup.sh
        755 0:0 /opt/ctz/lib
        755 0:0 /opt/ctz/lib/helper.sh
        644 0:0 /opt/ctz/docs/notes.txt
        755 1654:1654 /app/data
        {"greeting":"hello"}
        read me
        data-writable
        app-read-only

        """;

    private static TestProject ProjectWithFiles(string name, string repository, string extraItems = "")
    {
        var project = TestProject.Create(name, "Console.WriteLine(\"files\");\n",
            properties: $"<ContainerRepository>{repository}</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag>",
            items: Items + extraItems);
        project.WriteFile("config/app.json", "{\"greeting\":\"hello\"}\n");
        project.WriteFile("scripts/setup.sh", "#!/bin/sh\necho set up > /etc/ctz-setup-ran\n");
        project.WriteFile("scripts/lib/helper.sh", "#!/bin/sh\n");
        project.WriteFile("notes.txt", "read me\n");
        return project;
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ExtraFilesHaveTheirOwnerAndModeThroughTheEngineAndARunStepCanUseThem()
    {
        TestEnvironment.RequireEngine();
        using var project = ProjectWithFiles("WithFiles", "ctz-files",
            "<ContainerRunCommand Include=\"setup\" Command=\"/opt/ctz/setup.sh\" />");
        var reference = project.Track("ctz-files:1.0.0");

        project.Publish("-p:Containerize=true", "-p:ContainerizeBackend=docker", "-p:ContainerBuildNetwork=none").ShouldSucceed();

        var lines = File.ReadAllLines(project.DockerfilePath);
        Assert.AreSequenceEqual(new[]
        {
            "USER root",
            "WORKDIR /app",
            "COPY --chown=1654 layers/files-1/ /etc/ctz/",
            "COPY layers/files-2/ /opt/ctz/",
            "COPY layers/files-3/ /opt/ctz/docs/",
            "RUN /opt/ctz/setup.sh",
            "COPY --chown=1654 layers/empty/ /app/data/",
        }, lines[2..9]);
        var output = DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", reference, "-c", Inspect + "; cat /etc/ctz-setup-ran; stat -c '%a %u:%g %n' /etc/ctz").ShouldSucceed().Output;
        Assert.AreEqual(Expected + "set up\n755 1654:1654 /etc/ctz\n", output, "a missing destination folder is made with the owner by COPY --chown");
    }

    [TestMethod]
    [TestCategory("Engine")]
    public void ExtraFilesAndWritableFoldersAreTheSameDaemonless()
    {
        TestEnvironment.RequireEngine();
        using var cache = new TemporaryFolder();
        using var project = ProjectWithFiles("FilesDaemonless", "ctz-files-dl");
        var reference = project.Track("ctz-files-dl:1.0.0");

        project.Publish(new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache.Path }, "-p:Containerize=true", "-p:ContainerizeBackend=daemonless").ShouldSucceed();

        var output = DockerCli.Run("run", "--rm", "--network", "none", "--entrypoint", "sh", reference, "-c", Inspect + "; stat -c '%a %u:%g %n' /etc/ctz").ShouldSucceed().Output;
        Assert.AreEqual(Expected + "755 0:0 /etc/ctz\n", output, "daemonless, a missing destination folder is made by the unpacker, as root");
        var history = DockerCli.Run("history", "--no-trunc", "--format", "{{.CreatedBy}}", reference).ShouldSucceed().Output;
        StringAssert.Contains(history, "COPY --chown=1654 layers/files-1/ /etc/ctz/ # containerize\n");
    }

    [TestMethod]
    public void AnOwnerByNameIsCTZ2013Daemonless()
    {
        using var cache = new TemporaryFolder();
        using var project = TestProject.Create("NamedOwner", "Console.WriteLine();\n",
            items: "<ContainerFile Include=\"notes.txt\" Destination=\"/opt/notes.txt\" Owner=\"app\" />");
        project.WriteFile("notes.txt", "read me\n");

        var result = project.Publish(TestEnvironment.NoEngine(cache),
            "-p:Containerize=true", "-p:ContainerizeBackend=daemonless", $"-p:ContainerRegistry={TestEnvironment.OpenRegistry}/ctz-dl");

        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CTZ2013: ContainerFile content for /opt is owned by 'app', a name;");
    }
}
