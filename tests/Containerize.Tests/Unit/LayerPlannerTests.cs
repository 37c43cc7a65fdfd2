using Containerize.Layers;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class LayerPlannerTests
{
    private static string[] Names(IReadOnlyList<Layer> layers) => layers.Select(layer => layer.Name).ToArray();

    private static string[] FilesOf(IReadOnlyList<Layer> layers, string name) =>
        layers.Single(layer => layer.Name == name).Files.Select(file => file.RelativePath).ToArray();

    /// <summary>A self-contained app with a file of every origin.</summary>
    private static PublishFolder SelfContainedShop() => PublishFolder.FrameworkDependent("Shop")
        .Add("libcoreclr.so", PublishFolder.RuntimePack)
        .Add("System.Private.CoreLib.dll", PublishFolder.RuntimePack)
        .Add("createdump", PublishFolder.RuntimePack)
        .Add("Microsoft.AspNetCore.Http.dll", new PublishedFileOrigin("Microsoft.AspNetCore.App.Runtime.linux-x64", "10.0.0", false))
        .Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage)
        .Add("runtimes/linux-x64/native/libe_sqlite3.so", new PublishedFileOrigin("SQLitePCLRaw.lib.e_sqlite3", "2.1.10", false))
        .Add("Acme.Preview.dll", PublishFolder.PrereleasePackage)
        .Add("Shop.Core.dll", PublishFolder.ProjectReference)
        .Add("Shop.Core.pdb", PublishFolder.ProjectReference)
        .Add("appsettings.json")
        .Add("wwwroot/css/site.css")
        .Add("de/Shop.resources.dll");

    [TestMethod]
    public void The_layers_go_from_least_to_most_often_changed()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { LayerPlanner.Runtime, LayerPlanner.Packages, LayerPlanner.VolatileDependencies, LayerPlanner.AppHost, LayerPlanner.App },
            Names(publish.Plan("Shop")));
        Assert.AreSequenceEqual(new[] { "1-runtime", "2-packages", "3-volatile", "4-apphost", "5-app" }, Names(publish.Plan("Shop")));
    }

    [TestMethod]
    public void Runtime_pack_files_of_NETCore_and_AspNetCore_are_the_runtime_layer()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Microsoft.AspNetCore.Http.dll", "System.Private.CoreLib.dll", "createdump", "libcoreclr.so" },
            FilesOf(publish.Plan("Shop"), LayerPlanner.Runtime));
    }

    [TestMethod]
    public void Release_packages_including_their_native_assets_are_the_packages_layer()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Newtonsoft.Json.dll", "runtimes/linux-x64/native/libe_sqlite3.so" }, FilesOf(publish.Plan("Shop"), LayerPlanner.Packages));
    }

    [TestMethod]
    public void Prerelease_packages_and_project_references_are_the_volatile_layer()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Acme.Preview.dll", "Shop.Core.dll", "Shop.Core.pdb" }, FilesOf(publish.Plan("Shop"), LayerPlanner.VolatileDependencies));
    }

    [TestMethod]
    public void The_apphost_deps_json_and_runtimeconfig_json_are_the_apphost_layer()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Shop", "Shop.deps.json", "Shop.runtimeconfig.json" }, FilesOf(publish.Plan("Shop"), LayerPlanner.AppHost));
    }

    [TestMethod]
    public void The_apps_own_assemblies_pdbs_and_content_in_subfolders_are_the_app_layer()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Shop.dll", "Shop.pdb", "appsettings.json", "de/Shop.resources.dll", "wwwroot/css/site.css" },
            FilesOf(publish.Plan("Shop"), LayerPlanner.App));
    }

    [TestMethod]
    public void Every_published_file_is_in_exactly_one_layer_with_its_full_source_path()
    {
        using var publish = SelfContainedShop();

        var files = publish.Plan("Shop").SelectMany(layer => layer.Files).ToList();

        Assert.HasCount(Directory.GetFiles(publish.Path, "*", SearchOption.AllDirectories).Length, files);
        Assert.AreEqual(files.Count, files.Select(file => file.RelativePath).Distinct().Count());
        Assert.IsTrue(files.All(file => file.SourcePath == publish.FullPath(file.RelativePath)));
    }

    [TestMethod]
    public void A_framework_dependent_app_without_packages_has_only_the_apphost_and_app_layers()
    {
        using var publish = PublishFolder.FrameworkDependent("HelloDocker");

        var layers = publish.Plan("HelloDocker");

        Assert.AreSequenceEqual(new[] { "4-apphost", "5-app" }, Names(layers));
        Assert.AreSequenceEqual(new[] { "HelloDocker", "HelloDocker.deps.json", "HelloDocker.runtimeconfig.json" }, FilesOf(layers, "4-apphost"));
        Assert.AreSequenceEqual(new[] { "HelloDocker.dll", "HelloDocker.pdb" }, FilesOf(layers, "5-app"));
    }

    [TestMethod]
    public void Empty_layers_are_left_out_wherever_they_are_in_the_order()
    {
        using var publish = new PublishFolder()
            .Add("libcoreclr.so", PublishFolder.RuntimePack)
            .Add("Shop.Core.dll", PublishFolder.ProjectReference)
            .Add("Shop.dll");

        Assert.AreSequenceEqual(new[] { "1-runtime", "3-volatile", "5-app" }, Names(publish.Plan("Shop")));
    }

    [TestMethod]
    public void An_empty_publish_folder_has_no_layer()
    {
        using var publish = new PublishFolder();

        Assert.IsEmpty(publish.Plan("Shop"));
    }

    [TestMethod]
    public void Files_named_like_the_apphost_files_in_a_subfolder_are_app_files()
    {
        using var publish = new PublishFolder().Add("tools/Shop").Add("tools/Shop.deps.json").Add("Shop.dll");

        Assert.AreSequenceEqual(new[] { "5-app" }, Names(publish.Plan("Shop")));
    }

    [TestMethod]
    public void An_origin_without_a_package_or_project_reference_does_not_move_a_file()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("appsettings.json", new PublishedFileOrigin("", "", false));

        Assert.Contains("appsettings.json", FilesOf(publish.Plan("Shop"), "5-app"));
    }

    [TestMethod]
    public void Origins_of_files_that_are_not_in_the_publish_folder_are_ignored()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var origins = new Dictionary<string, PublishedFileOrigin> { ["missing.dll"] = PublishFolder.ReleasePackage };

        Assert.AreSequenceEqual(new[] { "4-apphost", "5-app" }, Names(LayerPlanner.Plan(publish.Path, "Shop", origins)));
    }

    [TestMethod]
    public void Files_of_a_layer_are_in_ordinal_order_of_their_paths()
    {
        using var publish = new PublishFolder().Add("b.dll").Add("B.dll").Add("a/z.txt").Add("a.txt").Add("_x.dll");

        Assert.AreSequenceEqual(new[] { "B.dll", "_x.dll", "a.txt", "a/z.txt", "b.dll" }, FilesOf(publish.Plan("App"), "5-app"));
    }

    /// <summary>What the SDK published this time, of <see cref="SelfContainedShop"/>: Newtonsoft.Json and a content file are left over from an earlier publish.</summary>
    private static readonly HashSet<string> PublishedThisTime =
    [
        "Shop", "Shop.deps.json", "Shop.runtimeconfig.json", "Shop.dll", "Shop.pdb", "libcoreclr.so", "System.Private.CoreLib.dll", "createdump",
        "Microsoft.AspNetCore.Http.dll", "runtimes/linux-x64/native/libe_sqlite3.so", "Acme.Preview.dll", "Shop.Core.dll", "Shop.Core.pdb",
        "appsettings.json", "de/Shop.resources.dll",
    ];

    [TestMethod]
    public void Files_the_publish_did_not_produce_are_left_out_of_every_layer()
    {
        using var publish = SelfContainedShop();

        var layers = LayerPlanner.Plan(publish.Path, "Shop", publish.Origins, PublishedThisTime);

        Assert.AreSequenceEqual(new[] { "runtimes/linux-x64/native/libe_sqlite3.so" }, FilesOf(layers, LayerPlanner.Packages));
        Assert.AreSequenceEqual(new[] { "Shop.dll", "Shop.pdb", "appsettings.json", "de/Shop.resources.dll" }, FilesOf(layers, LayerPlanner.App));
        Assert.AreSequenceEqual(PublishedThisTime.Order(StringComparer.Ordinal).ToArray(),
            layers.SelectMany(layer => layer.Files).Select(file => file.RelativePath).Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void The_files_left_out_are_named_in_ordinal_order_of_their_paths()
    {
        using var publish = SelfContainedShop();

        Assert.AreSequenceEqual(new[] { "Newtonsoft.Json.dll", "wwwroot/css/site.css" }, LayerPlanner.Unpublished(publish.Path, PublishedThisTime));
    }

    [TestMethod]
    public void A_layer_whose_files_were_all_left_over_is_left_out()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop").Add("Newtonsoft.Json.dll", PublishFolder.ReleasePackage);
        var published = new HashSet<string> { "Shop", "Shop.deps.json", "Shop.runtimeconfig.json", "Shop.dll", "Shop.pdb" };

        Assert.AreSequenceEqual(new[] { "4-apphost", "5-app" }, Names(LayerPlanner.Plan(publish.Path, "Shop", publish.Origins, published)));
    }

    [TestMethod]
    public void A_produced_file_that_is_not_in_the_folder_changes_nothing()
    {
        using var publish = PublishFolder.FrameworkDependent("Shop");
        var published = new HashSet<string> { "Shop", "Shop.deps.json", "Shop.runtimeconfig.json", "Shop.dll", "Shop.pdb", "web.config" };

        Assert.AreSequenceEqual(Names(publish.Plan("Shop")), Names(LayerPlanner.Plan(publish.Path, "Shop", publish.Origins, published)));
        Assert.IsEmpty(LayerPlanner.Unpublished(publish.Path, published));
    }

    [TestMethod]
    public void A_missing_publish_folder_has_no_file_left_out()
    {
        Assert.IsEmpty(LayerPlanner.Unpublished(Path.Combine(Path.GetTempPath(), "ctz-no-such-folder-" + Guid.NewGuid().ToString("N")), new HashSet<string>()));
    }

    [TestMethod]
    public void The_warning_names_the_first_ten_files_left_out_and_counts_the_others()
    {
        var files = Enumerable.Range(1, 12).Select(index => $"old{index:00}.dll").ToList();

        var warning = Containerize.Diagnostics.Errors.UnpublishedFilesLeftOut("/src/Shop/bin/Release/net10.0/publish/", files);

        Assert.AreEqual(new Containerize.Diagnostics.Diagnostic("CTZ1070",
            "The publish folder '/src/Shop/bin/Release/net10.0/publish/' holds 12 file(s) that this publish did not produce, left out of the image: "
            + "old01.dll, old02.dll, old03.dll, old04.dll, old05.dll, old06.dll, old07.dll, old08.dll, old09.dll, old10.dll and 2 more. "
            + "They are left over from an earlier publish (of a package or file removed since) or were put there by hand; delete them to silence this. "
            + "To ship such a file, publish it: a Content or None item with CopyToPublishDirectory, or a FileWrites item in the target that writes it.",
            Containerize.Diagnostics.Severity.Warning), warning);
    }
}
