using System.Formats.Tar;
using Containerize.Dockerfile;
using Containerize.Layers;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The build context as the engine receives it. Unix file modes: not run on Windows.</summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class ContextArchiveTests : IDisposable
{
    private const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode644 = (UnixFileMode)0b110_100_100;

    private static readonly DateTimeOffset FileTime = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    /// <summary>Publishes HelloDocker (an executable apphost) into a new folder, its files dated <paramref name="fileTime"/>, and stages it.</summary>
    private string StagedContext(string name, DateTime fileTime)
    {
        var publish = Path.Combine(work.Path, name, "publish");
        foreach (var file in new[] { "HelloDocker", "HelloDocker.deps.json", "HelloDocker.runtimeconfig.json", "HelloDocker.dll", "wwwroot/index.html" })
        {
            var path = Path.Combine(publish, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "content of " + file);
            File.SetLastWriteTimeUtc(path, fileTime);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(publish, "HelloDocker"), Mode755);
        }

        var spec = Resolution.Succeeds(Projects.Console()) with { User = "1654", Layers = LayerPlanner.Plan(publish, "HelloDocker", new Dictionary<string, PublishedFileOrigin>()) };
        var context = Path.Combine(work.Path, name, "context");
        ContextStager.Stage(spec, context);
        return context;
    }

    private static byte[] Archive(string context)
    {
        using var output = new MemoryStream();
        ContextArchive.Write(context, output, FileTime);
        return output.ToArray();
    }

    private static List<TarEntry> Entries(byte[] archive)
    {
        using var reader = new TarReader(new MemoryStream(archive));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static string ContentOf(TarEntry entry)
    {
        using var reader = new StreamReader(entry.DataStream!);
        return reader.ReadToEnd();
    }

    [TestMethod]
    public void Entries_come_in_walk_order_a_folders_content_right_after_it_whatever_the_names()
    {
        var context = work.Combine("walk");
        foreach (var name in new[] { "Dockerfile", "layers/5-app/a.dll", "layers/5-app/a/b.txt", "layers/5-app/a-b.txt", "layers/5-app/B.dll", "layers/5-app/Ä.txt", "stale.txt" })
        {
            work.WriteFile(Path.Combine("walk", name), name);
        }

        var names = ContextArchive.Entries(context).Select(entry => entry.Name).ToArray();

        // '/' sorts before every other character (fsutil's order: BuildKit's file sync refuses any other), then ordinal.
        Assert.AreSequenceEqual(new[] { "Dockerfile", "layers", "layers/5-app", "layers/5-app/B.dll", "layers/5-app/a", "layers/5-app/a/b.txt", "layers/5-app/a-b.txt", "layers/5-app/a.dll", "layers/5-app/Ä.txt" }, names);
    }

    [TestMethod]
    public void The_same_files_with_other_times_give_a_byte_identical_archive()
    {
        var first = StagedContext("first", new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = StagedContext("second", new DateTime(2024, 6, 30, 12, 34, 56, DateTimeKind.Utc));

        CollectionAssert.AreEqual(Archive(first), Archive(second));
    }

    [TestMethod]
    public void Writing_the_same_context_twice_gives_the_same_bytes_even_after_its_files_were_touched()
    {
        var context = StagedContext("app", DateTime.UtcNow);
        var before = Archive(context);

        foreach (var path in Directory.EnumerateFileSystemEntries(context, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-5));
        }

        CollectionAssert.AreEqual(before, Archive(context));
    }

    [TestMethod]
    public void Entries_are_sorted_with_folders_before_their_files()
    {
        var names = Entries(Archive(StagedContext("app", DateTime.UtcNow))).Select(entry => entry.Name).ToArray();

        Assert.AreSequenceEqual(new[]
        {
            ".dockerignore",
            "Dockerfile",
            "layers/",
            "layers/4-apphost/",
            "layers/4-apphost/HelloDocker",
            "layers/4-apphost/HelloDocker.deps.json",
            "layers/4-apphost/HelloDocker.runtimeconfig.json",
            "layers/5-app/",
            "layers/5-app/HelloDocker.dll",
            "layers/5-app/wwwroot/",
            "layers/5-app/wwwroot/index.html",
        }, names);
    }

    [TestMethod]
    public void Every_entry_is_owned_by_root_and_dated_with_the_given_time()
    {
        var entries = Entries(Archive(StagedContext("app", DateTime.UtcNow)));

        foreach (var entry in entries)
        {
            Assert.AreEqual(0, entry.Uid, entry.Name);
            Assert.AreEqual(0, entry.Gid, entry.Name);
            Assert.AreEqual(FileTime, entry.ModificationTime, entry.Name);
            Assert.AreEqual(TarEntryFormat.Gnu, entry.Format, entry.Name);
        }
    }

    [TestMethod]
    public void Folders_and_executables_are_0755_other_files_0644()
    {
        var modes = Entries(Archive(StagedContext("app", DateTime.UtcNow))).ToDictionary(entry => entry.Name, entry => entry.Mode);

        Assert.AreEqual(Mode755, modes["layers/"]);
        Assert.AreEqual(Mode755, modes["layers/5-app/wwwroot/"]);
        Assert.AreEqual(Mode755, modes["layers/4-apphost/HelloDocker"]);
        Assert.AreEqual(Mode644, modes["layers/4-apphost/HelloDocker.deps.json"]);
        Assert.AreEqual(Mode644, modes["layers/5-app/HelloDocker.dll"]);
        Assert.AreEqual(Mode644, modes["Dockerfile"]);
        Assert.AreEqual(Mode644, modes[".dockerignore"]);
    }

    [TestMethod]
    public void Entries_carry_the_files_content()
    {
        var context = StagedContext("app", DateTime.UtcNow);
        var entries = Entries(Archive(context));

        Assert.AreEqual("content of wwwroot/index.html", ContentOf(entries.Single(entry => entry.Name == "layers/5-app/wwwroot/index.html")));
        Assert.AreEqual(File.ReadAllText(Path.Combine(context, "Dockerfile")), ContentOf(entries.Single(entry => entry.Name == "Dockerfile")));
    }

    [TestMethod]
    public void Anything_beside_the_Dockerfile_the_dockerignore_and_layers_is_left_out()
    {
        var context = StagedContext("app", DateTime.UtcNow);
        File.WriteAllText(Path.Combine(context, "container-image.json"), "{}");
        File.WriteAllText(Path.Combine(context, "context.tar"), "old");
        Directory.CreateDirectory(Path.Combine(context, "obj", "cache"));
        File.WriteAllText(Path.Combine(context, "obj", "cache", "x"), "x");

        var names = Entries(Archive(context)).Select(entry => entry.Name).ToList();

        Assert.HasCount(11, names);
        Assert.IsFalse(names.Any(name => name.StartsWith("container-image", StringComparison.Ordinal) || name.StartsWith("obj", StringComparison.Ordinal) || name == "context.tar"));
    }
}
