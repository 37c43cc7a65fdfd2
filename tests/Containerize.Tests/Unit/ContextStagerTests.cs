using Containerize.Dockerfile;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class ContextStagerTests : IDisposable
{
    private readonly TemporaryDirectory context = new();

    public void Dispose() => context.Dispose();

    private static ContainerSpec SpecFor(PublishFolder publish, string assemblyName = "Shop") =>
        BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console(assemblyName)), BaseImages.DotNet()) with { Layers = publish.Plan(assemblyName) };

    private string[] StagedFiles() => Directory.EnumerateFiles(context.Path, "*", SearchOption.AllDirectories)
        .Select(path => Path.GetRelativePath(context.Path, path).Replace('\\', '/'))
        .Order(StringComparer.Ordinal)
        .ToArray();

    [TestMethod]
    public void Staging_writes_the_Dockerfile_the_dockerignore_and_one_folder_per_layer()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage).Add("wwwroot/app.js");
        var spec = SpecFor(publish);

        var dockerfile = ContextStager.Stage(spec, context.Path);

        Assert.AreEqual(context.Combine("Dockerfile"), dockerfile);
        Assert.AreEqual(DockerfileWriter.Write(spec), File.ReadAllText(dockerfile));
        Assert.AreEqual("# Only the layer folders go into the image (the Dockerfile is always sent).\n*\n!layers/\n", File.ReadAllText(context.Combine(".dockerignore")));
        Assert.AreSequenceEqual(new[]
        {
            ".dockerignore",
            "Dockerfile",
            "layers/2-packages/Newtonsoft.Json.dll",
            "layers/4-apphost/Shop",
            "layers/4-apphost/Shop.deps.json",
            "layers/4-apphost/Shop.runtimeconfig.json",
            "layers/5-app/Shop.dll",
            "layers/5-app/Shop.pdb",
            "layers/5-app/wwwroot/app.js",
        }, StagedFiles());
    }

    [TestMethod]
    public void Staged_files_have_the_content_and_time_of_the_published_ones()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var published = new DateTime(2020, 2, 2, 2, 2, 2, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(publish.FullPath("Shop.dll"), published);

        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreEqual("Shop.dll", File.ReadAllText(context.Combine("layers/5-app/Shop.dll")));
        Assert.AreEqual(published, File.GetLastWriteTimeUtc(context.Combine("layers/5-app/Shop.dll")));
    }

    [TestMethod]
    public void Files_and_layers_no_longer_in_the_plan_are_removed()
    {
        using (var earlier = PublishFolder.FrameworkDependent("Shop")
            .Add("Shop.Core.dll", PublishFolder.ProjectReference)
            .Add("wwwroot/css/old.css")
            .Add("Old.dll"))
        {
            ContextStager.Stage(SpecFor(earlier), context.Path);
        }

        using var publish = PublishFolder.FrameworkDependent("Shop");
        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreSequenceEqual(new[]
        {
            ".dockerignore",
            "Dockerfile",
            "layers/4-apphost/Shop",
            "layers/4-apphost/Shop.deps.json",
            "layers/4-apphost/Shop.runtimeconfig.json",
            "layers/5-app/Shop.dll",
            "layers/5-app/Shop.pdb",
        }, StagedFiles());
        Assert.IsFalse(Directory.Exists(context.Combine("layers/3-volatile")));
        Assert.IsFalse(Directory.Exists(context.Combine("layers/5-app/wwwroot")));
    }

    [TestMethod]
    public void A_file_that_changed_since_the_last_run_is_copied_again()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        ContextStager.Stage(SpecFor(publish), context.Path);
        File.WriteAllText(publish.FullPath("Shop.dll"), "new build of Shop.dll");
        File.SetLastWriteTimeUtc(publish.FullPath("Shop.dll"), DateTime.UtcNow.AddMinutes(1));

        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreEqual("new build of Shop.dll", File.ReadAllText(context.Combine("layers/5-app/Shop.dll")));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_published_file_with_its_image_mode_is_staged_as_a_link_and_another_one_is_copied_with_it()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        File.SetUnixFileMode(publish.FullPath("Shop.dll"), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(publish.FullPath("Shop.pdb"), (UnixFileMode)0b110_110_100);

        ContextStager.Stage(SpecFor(publish), context.Path);
        File.AppendAllText(publish.FullPath("Shop.dll"), " (changed where it was published)");
        File.AppendAllText(publish.FullPath("Shop.pdb"), " (changed where it was published)");

        Assert.EndsWith(" (changed where it was published)", File.ReadAllText(context.Combine("layers/5-app/Shop.dll")), "a link: no copy of the bytes");
        Assert.IsFalse(File.ReadAllText(context.Combine("layers/5-app/Shop.pdb")).EndsWith(" (changed where it was published)"), "a copy");
        Assert.AreEqual((UnixFileMode)0b110_100_100, File.GetUnixFileMode(context.Combine("layers/5-app/Shop.pdb")));
        Assert.AreEqual((UnixFileMode)0b110_110_100, File.GetUnixFileMode(publish.FullPath("Shop.pdb")), "the published file keeps its mode");
    }

    [TestMethod]
    public void A_file_rewritten_with_the_same_size_and_time_is_copied_again()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var time = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllText(publish.FullPath("Shop.dll"), "Hello v1");
        File.SetLastWriteTimeUtc(publish.FullPath("Shop.dll"), time);
        ContextStager.Stage(SpecFor(publish), context.Path);
        File.WriteAllText(publish.FullPath("Shop.dll"), "Hello v2");
        File.SetLastWriteTimeUtc(publish.FullPath("Shop.dll"), time);

        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreEqual("Hello v2", File.ReadAllText(context.Combine("layers/5-app/Shop.dll")));
    }

    [TestMethod]
    public void A_file_that_moved_to_another_layer_is_only_in_the_new_one()
    {
        using (var earlier = PublishFolder.FrameworkDependent("Shop").Add("Lib.dll", PublishFolder.PrereleasePackage))
        {
            ContextStager.Stage(SpecFor(earlier), context.Path);
        }

        using var publish = PublishFolder.FrameworkDependent("Shop").Add("Lib.dll", PublishFolder.ReleasePackage);
        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.IsTrue(File.Exists(context.Combine("layers/2-packages/Lib.dll")));
        Assert.IsFalse(Directory.Exists(context.Combine("layers/3-volatile")));
    }

    [TestMethod]
    public void An_unchanged_Dockerfile_is_not_rewritten()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var dockerfile = ContextStager.Stage(SpecFor(publish), context.Path);
        var earlier = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(dockerfile, earlier);

        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreEqual(earlier, File.GetLastWriteTimeUtc(dockerfile));
    }

    [TestMethod]
    public void A_changed_spec_rewrites_the_Dockerfile()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        ContextStager.Stage(SpecFor(publish), context.Path);

        var changed = SpecFor(publish) with { User = "app" };
        ContextStager.Stage(changed, context.Path);

        Assert.AreEqual(DockerfileWriter.Write(changed), File.ReadAllText(context.Combine("Dockerfile")));
        Assert.Contains("\nUSER app\n", File.ReadAllText(context.Combine("Dockerfile")));
    }

    [TestMethod]
    public void Files_beside_the_layers_such_as_the_image_report_are_kept()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        context.WriteFile("container-image.json", "{}");

        ContextStager.Stage(SpecFor(publish), context.Path);

        Assert.AreEqual("{}", File.ReadAllText(context.Combine("container-image.json")));
    }
}
