using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// Resolution asks the disk only through <see cref="ISpecFiles"/>: the paths here exist only in a fake, which the
/// resolution believes, with the same CTZ errors the disk's answers give (LinksAndSpecialFilesTests, OwnDockerfileTests).
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SpecFilesTests
{
    private const string Dockerfile = "/nowhere/project/Dockerfile";

    private static ContainerSpec? Resolve(ContainerSettings settings, ISpecFiles files, out List<Diagnostic> diagnostics)
    {
        diagnostics = [];
        return SpecResolver.Resolve(Projects.Console(), settings, files, diagnostics);
    }

    private static Diagnostic SingleError(ContainerSettings settings, ISpecFiles files)
    {
        var spec = Resolve(settings, files, out var diagnostics);
        Assert.IsNull(spec, "A configuration error must stop the resolution.");
        return diagnostics.Single();
    }

    [TestMethod]
    public void The_users_Dockerfile_is_the_text_the_files_give()
    {
        var files = new FakeSpecFiles().WithFile(Dockerfile, "FROM x\n");

        var spec = Resolve(new ContainerSettings { Dockerfile = Dockerfile }, files, out var diagnostics);

        Assert.AreEqual("FROM x\n", spec?.Dockerfile);
        Assert.IsEmpty(diagnostics);
        Assert.AreSequenceEqual(new[] { Dockerfile }, files.Asked.ToArray());
    }

    [TestMethod]
    public void A_Dockerfile_the_files_cannot_read_is_CTZ2023_with_their_reason()
    {
        var files = new FakeSpecFiles().WithUnreadableFile(Dockerfile, new UnauthorizedAccessException($"Access to the path '{Dockerfile}' is denied."));

        var error = SingleError(new ContainerSettings { Dockerfile = Dockerfile }, files);

        Assert.AreEqual("CTZ2023", error.Code);
        Assert.AreEqual($"{Dockerfile}, ContainerDockerfile, could not be read: Access to the path '{Dockerfile}' is denied. Check that it exists and may be read (another build may have replaced it meanwhile), then publish again.", error.Message);
    }

    [TestMethod]
    public void A_ContainerFile_source_the_files_call_a_FIFO_is_CTZ1060_and_only_its_kind_is_asked()
    {
        var files = new FakeSpecFiles().With("/nowhere/project/pipe", FileKind.Fifo);

        var error = SingleError(new ContainerSettings { Files = [new FileSetting("/nowhere/project/pipe", "pipe", "/etc/pipe", "", "")] }, files);

        Assert.AreEqual("CTZ1060", error.Code);
        Assert.AreEqual("ContainerFile 'pipe': /nowhere/project/pipe is a FIFO (named pipe), which Containerize does not read (reading it could wait for ever): only regular files, folders and links to them. Name a regular file instead, or remove it from the folder (or name the files beside it with ContainerFile items of their own).", error.Message);
        Assert.AreSequenceEqual(new[] { "/nowhere/project/pipe" }, files.Asked.ToArray());
    }

    [TestMethod]
    public void A_ContainerFile_link_the_files_say_goes_in_a_circle_is_CTZ1061()
    {
        var files = new FakeSpecFiles().WithLink("/nowhere/project/loop", target: null);

        var error = SingleError(new ContainerSettings { Files = [new FileSetting("/nowhere/project/loop", "loop", "/etc/loop", "", "")] }, files);

        Assert.AreEqual("CTZ1061", error.Code);
        Assert.AreEqual("ContainerFile 'loop': the symbolic link /nowhere/project/loop points in a circle (to itself, through other links). Links are followed (what they point to goes into the image under the link's name): fix the link or remove it.", error.Message);
    }

    [TestMethod]
    public void A_ContainerFile_link_to_a_folder_is_copied_as_a_folder_under_the_links_name()
    {
        var files = new FakeSpecFiles().WithLink("/nowhere/project/certs", "/nowhere/shared/certs").With("/nowhere/shared/certs", FileKind.Folder);

        var spec = Resolve(new ContainerSettings { Files = [new FileSetting("/nowhere/project/certs", "certs", "/etc/certs", "", "")] }, files, out var diagnostics);

        Assert.IsEmpty(diagnostics);
        Assert.AreEqual(new FileCopy("/nowhere/project/certs", "/etc/certs/", "", null), spec?.Files.Single());
    }

    [TestMethod]
    public void A_build_secrets_file_is_there_when_the_files_say_so()
    {
        var files = new FakeSpecFiles().WithFile("/nowhere/secrets/token", "");
        var settings = new ContainerSettings
        {
            BuildSecrets = [new BuildSecret("token", "", "/nowhere/secrets/token")],
            RunCommands = [new RunCommandSetting("true", false) { Secrets = ["token"] }],
        };

        var spec = Resolve(settings, files, out var diagnostics);

        Assert.IsNotNull(spec);
        Assert.IsEmpty(diagnostics);
        Assert.AreSequenceEqual(new[] { "/nowhere/secrets/token" }, files.Asked.Distinct().ToArray());
    }

    [TestMethod]
    public void A_build_secrets_file_that_is_a_FIFO_is_CTZ1047_before_anything_reads_it()
    {
        var files = new FakeSpecFiles().With("/nowhere/secrets/token", FileKind.Fifo);
        var settings = new ContainerSettings
        {
            BuildSecrets = [new BuildSecret("token", "", "/nowhere/secrets/token")],
            RunCommands = [new RunCommandSetting("true", false) { Secrets = ["token"] }],
        };

        var spec = Resolve(settings, files, out var diagnostics);

        Assert.IsNull(spec);
        var error = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ1047", error.Code);
        StringAssert.Contains(error.Message, "its file /nowhere/secrets/token (File metadata) is a FIFO (named pipe), not a regular file (reading it could wait for ever, or give a device's endless output)");
    }
}
