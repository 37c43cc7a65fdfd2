using Containerize.Spec;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The image's creation time from the source's last commit when SOURCE_DATE_EPOCH is unset (git itself is asked).</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SourceCommitTimeTests
{
    private const string Oci = "org.opencontainers.image.";

    /// <summary>A repository with one commit made at <paramref name="seconds"/>, the project in a subfolder.</summary>
    private static TemporaryDirectory RepositoryCommittedAt(long seconds)
    {
        var repository = new TemporaryDirectory();
        repository.WriteFile("src/Shop/Program.cs", "// shop\n");
        Git(repository, "init", "-q");
        Git(repository, "add", ".");
        Git(repository, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "-m", "first",
            "--date", $"@{seconds} +0000");
        return repository;
    }

    private static void Git(TemporaryDirectory repository, params string[] arguments) =>
        ProcessRunner.Run("git", arguments, repository.Path, new Dictionary<string, string?> { ["GIT_COMMITTER_DATE"] = "@1700000000 +0000" }).ShouldSucceed();

    [TestMethod]
    public void It_is_the_committer_time_of_HEAD_of_the_repository_that_holds_the_folder()
    {
        using var repository = RepositoryCommittedAt(1600000000);

        Assert.AreEqual(1700000000L, SourceCommitTime.Read(repository.Combine("src/Shop")));
    }

    [TestMethod]
    public void Uncommitted_changes_do_not_change_it()
    {
        using var repository = RepositoryCommittedAt(1600000000);
        repository.WriteFile("src/Shop/Program.cs", "// changed, not committed\n");
        repository.WriteFile("src/Shop/New.cs", "// new, not added\n");

        Assert.AreEqual(1700000000L, SourceCommitTime.Read(repository.Combine("src/Shop")));
    }

    [TestMethod]
    public void There_is_none_outside_a_repository_or_before_the_first_commit()
    {
        using var plain = new TemporaryDirectory();
        using var empty = new TemporaryDirectory();
        Git(empty, "init", "-q");

        Assert.IsNull(SourceCommitTime.Read(plain.Path));
        Assert.IsNull(SourceCommitTime.Read(empty.Path));
        Assert.IsNull(SourceCommitTime.Read(plain.Combine("missing")));
        Assert.IsNull(SourceCommitTime.Read(""));
    }

    [TestMethod]
    public void The_commit_time_is_the_created_label_and_the_config_time_when_SOURCE_DATE_EPOCH_is_unset()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { SourceCommitTime = 1700000000 });

        Assert.AreEqual("2023-11-14T22:13:20Z", spec.Labels.Single(label => label.Key == Oci + "created").Value);
        Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(1700000000), spec.Created);
    }

    [TestMethod]
    public void SOURCE_DATE_EPOCH_wins_over_the_commit_time()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { SourceDateEpoch = "1600000000", SourceCommitTime = 1700000000 });

        Assert.AreEqual("2020-09-13T12:26:40Z", spec.Labels.Single(label => label.Key == Oci + "created").Value);
        Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(1600000000), spec.Created);
    }

    [TestMethod]
    public void Without_either_the_config_time_is_the_Unix_epoch_and_there_is_no_created_label()
    {
        var spec = Resolution.Succeeds(Projects.Console());

        Assert.AreEqual(DateTimeOffset.UnixEpoch, spec.Created);
        Assert.IsFalse(spec.Labels.Any(label => label.Key == Oci + "created"));
    }

    [TestMethod]
    public void A_new_commit_changes_the_fingerprint_though_no_label_is_generated()
    {
        var settings = new ContainerSettings { GenerateLabels = false, SourceCommitTime = 1700000000 };
        var first = Resolution.Succeeds(Projects.Console(), settings);
        var next = Resolution.Succeeds(Projects.Console(), settings with { SourceCommitTime = 1700000060 });

        Assert.AreNotEqual(SpecFingerprint.Compute(first, "1"), SpecFingerprint.Compute(next, "1"));
    }
}
