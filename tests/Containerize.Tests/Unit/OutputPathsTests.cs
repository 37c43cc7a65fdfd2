using Containerize.FileSystem;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The places a run writes to, checked with the configuration: CTZ1062, CTZ1063 and CTZ1064 before anything is built.</summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class OutputPathsTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private string Context => work.Combine("obj/containerize");

    [TestMethod]
    public void Paths_that_can_be_written_raise_nothing_and_the_archive_folder_is_left_with_no_probe_in_it()
    {
        var archive = work.Combine("artifacts/images/app.tar");

        Assert.IsEmpty(OutputPaths.Check(Context, archive).ToList());
        Assert.IsEmpty(OutputPaths.Check(Context, "").ToList());
        Assert.IsEmpty(Directory.EnumerateFileSystemEntries(work.Combine("artifacts/images")).ToList());
    }

    [TestMethod]
    public void An_archive_path_under_a_file_is_CTZ1062_naming_the_file()
    {
        var file = work.WriteFile("artifacts", "not a folder");
        var archive = work.Combine("artifacts/images/app.tar");

        var error = OutputPaths.Check(Context, archive).Single();

        Assert.AreEqual("CTZ1062", error.Code);
        Assert.AreEqual($"ContainerArchiveOutputPath '{archive}' cannot be written: {file} is a file, and it would have to be a folder. Choose another ContainerArchiveOutputPath, or move that file away.", error.Message);
    }

    [TestMethod]
    public void A_containerize_folder_under_a_file_is_CTZ1062()
    {
        var file = work.WriteFile("obj", "not a folder");

        var error = OutputPaths.Check(Context, "").Single();

        Assert.AreEqual($"ContainerizeIntermediateDirectory '{Context}' cannot be written: {file} is a file, and it would have to be a folder. Choose another ContainerizeIntermediateDirectory, or move that file away.", error.Message);
    }

    [TestMethod]
    public void An_archive_in_a_folder_that_takes_no_files_is_CTZ1063()
    {
        var error = OutputPaths.Check(Context, "/proc/image.tar").Single();

        Assert.AreEqual("CTZ1063", error.Code);
        Assert.AreEqual($"ContainerArchiveOutputPath '/proc/image.tar' cannot be written: no file can be made in /proc (Could not find file '/proc/{OutputPaths.ProbeName}'). Choose a path in a folder you may write to.", error.Message);
    }

    [TestMethod]
    public void An_archive_path_that_is_a_device_or_a_link_to_one_is_CTZ1064()
    {
        var link = work.Combine("out.tar");
        File.CreateSymbolicLink(link, "/dev/null");

        var device = OutputPaths.Check(Context, "/dev/null").Single();
        var throughLink = OutputPaths.Check(Context, link).Single();

        Assert.AreEqual("CTZ1064", device.Code);
        Assert.AreEqual("ContainerArchiveOutputPath '/dev/null' is a character device, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).", device.Message);
        Assert.AreEqual($"ContainerArchiveOutputPath '{link}' is a character device, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).", throughLink.Message);
    }

    [TestMethod]
    [OSCondition(OperatingSystems.Linux)]
    public void Dev_stdout_as_the_archive_is_refused_when_it_is_a_pipe_and_stays_a_link()
    {
        var problem = OutputPaths.Check(Context, "/dev/stdout").Single();

        Assert.AreEqual("CTZ1064", problem.Code, "the test host's output is a pipe; the link is never replaced");
        Assert.AreEqual("/dev/stdout", OutputPaths.WrittenPath("/dev/stdout"));
        Assert.AreEqual("/proc/self/fd/1", new FileInfo("/dev/stdout").LinkTarget);
    }

    [TestMethod]
    public void A_file_is_written_where_a_link_leads_never_over_the_link()
    {
        var target = work.WriteFile("real/image.tar", "old");
        var link = work.Combine("image.tar");
        File.CreateSymbolicLink(link, "real/image.tar");
        var toNowhere = work.Combine("later.tar");
        File.CreateSymbolicLink(toNowhere, "real/later.tar");

        Assert.AreEqual(target, OutputPaths.WrittenPath(link));
        Assert.AreEqual(work.Combine("real/later.tar"), OutputPaths.WrittenPath(toNowhere));
        Assert.AreEqual(work.Combine("plain.tar"), OutputPaths.WrittenPath(work.Combine("plain.tar")));
    }

    [TestMethod]
    public void An_existing_archive_and_a_link_to_a_file_or_to_nowhere_are_written_over()
    {
        var existing = work.WriteFile("old.tar", "old");
        var toFile = work.Combine("to-file.tar");
        File.CreateSymbolicLink(toFile, existing);
        var toNowhere = work.Combine("to-nowhere.tar");
        File.CreateSymbolicLink(toNowhere, "gone.tar");

        Assert.IsEmpty(OutputPaths.Check(Context, existing).Concat(OutputPaths.Check(Context, toFile)).Concat(OutputPaths.Check(Context, toNowhere)).ToList());
    }

    [TestMethod]
    public void The_file_in_the_way_is_the_first_existing_path_that_is_not_a_folder()
    {
        var file = work.WriteFile("a/b", "file");

        Assert.AreEqual(file, OutputPaths.FileInTheWay(work.Combine("a/b/c/d")));
        Assert.IsNull(OutputPaths.FileInTheWay(work.Combine("a/x/y")));
        Assert.IsNull(OutputPaths.FileInTheWay(work.Path));
    }

    [TestMethod]
    public void A_Dockerfile_output_path_under_a_file_or_on_a_device_is_refused()
    {
        var file = work.WriteFile("docker", "not a folder");

        Assert.AreEqual($"ContainerDockerfileOutputPath '{work.Combine("docker/Dockerfile")}' cannot be written: {file} is a file, and it would have to be a folder. Choose another ContainerDockerfileOutputPath, or move that file away.",
            OutputPaths.CheckFile("ContainerDockerfileOutputPath", work.Combine("docker/Dockerfile"))!.Message);
        Assert.AreEqual("CTZ1064", OutputPaths.CheckFile("ContainerDockerfileOutputPath", "/dev/null")!.Code);
        Assert.AreEqual($"ContainerDockerfileOutputPath '{work.Path}' is a folder, and Containerize writes a regular file there (it never opens a device, FIFO or socket in its place: that could wait for ever). Name a regular file (for example: bin/image.tar or Dockerfile).",
            OutputPaths.CheckFile("ContainerDockerfileOutputPath", work.Path)!.Message);
        Assert.IsNull(OutputPaths.CheckFile("ContainerDockerfileOutputPath", work.Combine("Dockerfile")));
    }
}
